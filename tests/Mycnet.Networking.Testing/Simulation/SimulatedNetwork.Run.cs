using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

// The run loop. Events (deliveries, node timers, wake-ups, scheduled actions) sit in one priority queue
// keyed by (time, sequence), so equal times replay in queuing order. Each event drives one node: an
// input (HandleDatagram or HandleTimeout), then TryPollTransmit until it returns false (each transmit
// is routed and offered to a link, which queues its deliveries), then GetNextDeadline. A node has at
// most one live timer event: a new one is queued only when its deadline moves earlier than the pending
// one (the superseded event is skipped by generation); when a timer fires before a deadline that moved
// later, it just re-arms. Three guards turn a livelock into a SimulationLivelockException.
public sealed partial class SimulatedNetwork
{
    private long _sequence;
    private long _instantTicks;
    private long _eventsThisInstant;
    private bool _running;
    private SimNode? _current;

    /// <summary>Runs every event up to <see cref="Now"/> + <paramref name="duration"/>, then sets the clock there.</summary>
    public void RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        Run(null, Now + duration, untilIdle: false);
    }

    /// <summary>
    /// Runs until <paramref name="condition"/> holds (checked before the first event and after each
    /// one) or <paramref name="maxVirtualTime"/> passes. Returns whether the condition held; on false the
    /// clock stands at the limit.
    /// </summary>
    public bool RunUntil(Func<bool> condition, TimeSpan maxVirtualTime)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVirtualTime, TimeSpan.Zero);
        return Run(condition, Now + maxVirtualTime, untilIdle: false);
    }

    /// <summary>
    /// Runs until nothing is left to do (no datagram in flight, no node deadline, no scheduled action)
    /// or <paramref name="maxVirtualTime"/> passes. Returns whether the network went idle.
    /// </summary>
    public bool RunUntilIdle(TimeSpan maxVirtualTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxVirtualTime, TimeSpan.Zero);
        return Run(null, Now + maxVirtualTime, untilIdle: true);
    }

    internal void EnqueueDelivery(long arrivalTicks, SimNode sender, SimLink link, IPEndPoint source, IPEndPoint destination, byte[] buffer, int length, EcnCodepoint ecn) =>
        Enqueue(arrivalTicks, SimEvent.Deliver(sender, link, source, destination, buffer, length, ecn));

    internal void ReportDrop(SimDropCause cause, SimNode sender, SimNode? receiver, SimLink? link, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        sender.Counters.AddDrop(cause);
        DatagramObserved?.Invoke(new SimDatagramEvent(SimDatagramEventKind.Dropped, Now, source, destination, datagram, ecn, sender, receiver, link, cause));
    }

    private void Enqueue(long ticks, in SimEvent simEvent) => _queue.Enqueue(simEvent, new SimEventKey(ticks, _sequence++));

    private bool Run(Func<bool>? condition, Instant limit, bool untilIdle)
    {
        if (_running)
        {
            throw new InvalidOperationException("The network is already running (a run was started from a node, observer or action).");
        }

        _running = true;
        try
        {
            for (int i = 0; i < _nodes.Count; i++)
            {
                PollNode(_nodes[i]);
            }

            if (condition is not null && condition())
            {
                return true;
            }

            while (_queue.TryPeek(out _, out SimEventKey key) && key.Ticks <= limit.Ticks)
            {
                _queue.TryDequeue(out SimEvent simEvent, out _);
                AdvanceTo(key.Ticks);
                Dispatch(simEvent);
                if (condition is not null && condition())
                {
                    return true;
                }
            }

            if (untilIdle && _queue.Count == 0)
            {
                return true;
            }

            if (limit > Now)
            {
                Now = limit;
            }

            return condition is not null && condition();
        }
        catch (Exception e) when (e is not SimulationException)
        {
            string where = _current is null ? string.Empty : $" while driving node '{_current.Name}'";
            throw new SimulationException($"Simulation failed at {Now} (seed {Seed}){where}: {e.Message}", Seed, Now, _current?.Name, e);
        }
        finally
        {
            _running = false;
            _current = null;
        }
    }

    private void AdvanceTo(long ticks)
    {
        if (ticks != _instantTicks)
        {
            _instantTicks = ticks;
            _eventsThisInstant = 0;
            Now = Instant.FromTicks(ticks);
        }

        if (++_eventsThisInstant > _maxEventsPerInstant)
        {
            string node = _current?.Name ?? "(none)";
            throw new SimulationLivelockException(
                $"Livelock: the network processed more than {_maxEventsPerInstant} events at {Now} without virtual time advancing (last node driven: '{node}', seed {Seed}); e.g. a zero-latency exchange that never ends.",
                Seed,
                Now,
                _current?.Name);
        }
    }

    private void Dispatch(in SimEvent simEvent)
    {
        switch (simEvent.Kind)
        {
            case SimEventKind.Deliver:
                Deliver(simEvent);
                break;
            case SimEventKind.Timer:
                OnTimer(simEvent.Node!, simEvent.Generation);
                break;
            case SimEventKind.Wake:
                PollNode(simEvent.Node!);
                break;
            case SimEventKind.Action:
                _current = null;
                simEvent.Action!();
                for (int i = 0; i < _nodes.Count; i++)
                {
                    PollNode(_nodes[i]);
                }

                break;
        }
    }

    private void Deliver(in SimEvent delivery)
    {
        byte[] buffer = delivery.Buffer!;
        ReadOnlySpan<byte> datagram = buffer.AsSpan(0, delivery.Length);
        SimNode sender = delivery.Node!;
        SimLink link = delivery.Link!;
        IPEndPoint source = delivery.Source!;
        IPEndPoint destination = delivery.Destination!;

        // The destination is resolved again on arrival: the address may have been removed or rebound
        // while the datagram was in flight.
        if (!_bindingByPublic.TryGetValue(destination, out AddressBinding? binding))
        {
            link.Counters.AddDrop(SimDropCause.NoRoute);
            ReportDrop(SimDropCause.NoRoute, sender, null, link, source, destination, datagram, delivery.Ecn);
            Pool.Return(buffer);
            return;
        }

        SimNode receiver = binding.Node;
        _current = receiver;
        link.Counters.DatagramsDelivered++;
        link.Counters.BytesDelivered += datagram.Length;
        receiver.Counters.DatagramsReceived++;
        receiver.Counters.BytesReceived += datagram.Length;
        DatagramObserved?.Invoke(new SimDatagramEvent(SimDatagramEventKind.Delivered, Now, source, destination, datagram, delivery.Ecn, sender, receiver, link, default));
        receiver.Handler.HandleDatagram(Now, binding.Local, source, datagram, delivery.Ecn);
        Pool.Return(buffer);
        PollNode(receiver);
    }

    private void OnTimer(SimNode node, long generation)
    {
        if (generation != node.TimerGeneration)
        {
            return;
        }

        node.TimerPendingTicks = long.MaxValue;
        _current = node;
        Instant deadline = node.Handler.GetNextDeadline();
        if (deadline > Now)
        {
            ArmTimer(node, deadline);
            return;
        }

        if (node.LastTimeoutTicks == Now.Ticks)
        {
            if (++node.TimeoutsThisInstant > _maxTimeoutsPerInstant)
            {
                throw new SimulationLivelockException(
                    $"Livelock: node '{node.Name}' took {_maxTimeoutsPerInstant} timeouts at {Now} and its deadline ({deadline}) still does not move past the current time (seed {Seed}).",
                    Seed,
                    Now,
                    node.Name);
            }
        }
        else
        {
            node.LastTimeoutTicks = Now.Ticks;
            node.TimeoutsThisInstant = 1;
        }

        node.Counters.Timeouts++;
        node.Handler.HandleTimeout(Now);
        PollNode(node);
    }

    private void PollNode(SimNode node)
    {
        _current = node;
        ISimulatedNode handler = node.Handler;
        int count = 0;
        while (handler.TryPollTransmit(Now, _pollBuffer, out SimTransmit transmit))
        {
            if (++count > _maxTransmitsPerPoll)
            {
                throw new SimulationLivelockException(
                    $"Livelock: node '{node.Name}' emitted more than {_maxTransmitsPerPoll} datagrams at {Now} without TryPollTransmit returning false (seed {Seed}).",
                    Seed,
                    Now,
                    node.Name);
            }

            Transmit(node, transmit);
        }

        ArmTimer(node, handler.GetNextDeadline());
    }

    private void ArmTimer(SimNode node, Instant deadline)
    {
        if (deadline.IsNever)
        {
            return;
        }

        long at = Math.Max(deadline.Ticks, Now.Ticks);
        if (at >= node.TimerPendingTicks)
        {
            return;
        }

        node.TimerGeneration++;
        node.TimerPendingTicks = at;
        Enqueue(at, SimEvent.Timer(node, node.TimerGeneration));
    }

    private void Transmit(SimNode node, in SimTransmit transmit)
    {
        if (transmit.Source is null || transmit.Destination is null)
        {
            throw new InvalidOperationException($"Node '{node.Name}' polled a transmit without a source or destination address.");
        }

        if (transmit.Length < 0 || transmit.Length > _pollBuffer.Length || transmit.SegmentSize < 0)
        {
            throw new InvalidOperationException(
                $"Node '{node.Name}' polled a transmit of length {transmit.Length} (segment size {transmit.SegmentSize}) for a {_pollBuffer.Length}-byte buffer.");
        }

        AddressBinding? source = node.FindByLocal(transmit.Source);
        int segment = transmit.SegmentSize == 0 ? Math.Max(transmit.Length, 1) : transmit.SegmentSize;
        int offset = 0;
        do
        {
            int length = Math.Min(segment, transmit.Length - offset);
            SendOne(node, source, transmit, _pollBuffer.AsSpan(offset, length));
            offset += length;
        }
        while (offset < transmit.Length);
    }

    private void SendOne(SimNode node, AddressBinding? source, in SimTransmit transmit, ReadOnlySpan<byte> datagram)
    {
        node.Counters.DatagramsSent++;
        node.Counters.BytesSent += datagram.Length;
        IPEndPoint sourceAddress = source?.Public ?? transmit.Source;
        DatagramObserved?.Invoke(new SimDatagramEvent(SimDatagramEventKind.Sent, Now, sourceAddress, transmit.Destination, datagram, transmit.Ecn, node, null, null, default));

        if (source is null)
        {
            ReportDrop(SimDropCause.UnknownSource, node, null, null, sourceAddress, transmit.Destination, datagram, transmit.Ecn);
            return;
        }

        if (!_bindingByPublic.TryGetValue(transmit.Destination, out AddressBinding? destination))
        {
            ReportDrop(SimDropCause.NoRoute, node, null, null, sourceAddress, transmit.Destination, datagram, transmit.Ecn);
            return;
        }

        SimLink? link = null;
        if (_addressLinks.Count != 0)
        {
            _addressLinks.TryGetValue(new AddressPair(source.Public, destination.Public), out link);
        }

        link ??= NodeLink(node, destination.Node);
        if (link is null)
        {
            ReportDrop(SimDropCause.NoRoute, node, destination.Node, null, sourceAddress, destination.Public, datagram, transmit.Ecn);
            return;
        }

        link.Offer(node, destination.Node, source.Public, destination.Public, datagram, transmit.Ecn);
    }
}
