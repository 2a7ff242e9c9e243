using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// One direction of a path between two nodes or two addresses, with its <see cref="LinkConditions"/>,
/// up/down state, scheduled blackouts and counters.
/// </summary>
/// <remarks>
/// Design. A datagram is judged when it enters the link (at its send time): down, blackout, MTU and
/// the bottleneck queue decide whether it is accepted, then loss, then its arrival time is computed and
/// one delivery event per copy goes into the network's queue; nothing on the link needs an event of
/// its own. The bottleneck is a fluid FIFO: the link remembers when its transmitter goes idle
/// (<c>_busyUntilTicks</c>, with the sub-tick remainder kept exactly in integer arithmetic), the backlog
/// at time t is the bytes still to serialise until then, and each accepted datagram extends it by
/// length × 8 / rate. Arrival = end of serialisation + latency + jitter; without
/// <see cref="LinkConditions.JitterReorders"/> arrival is clamped to be no earlier than the previous
/// datagram's, so only an explicit reorder (held back by <see cref="LinkConditions.ReorderDelay"/>, and
/// exempt from the clamp) lets later datagrams overtake.
/// </remarks>
public sealed class SimLink
{
    private readonly SimulatedNetwork _network;
    private readonly SimRandom _random;
    private readonly List<(long Start, long End)> _blackouts = [];
    private LinkConditions _conditions;
    private long _busyUntilTicks = long.MinValue;
    private long _busyRemainder;
    private long _lastArrivalTicks = long.MinValue;
    private bool _burstBad;

    internal SimLink(SimulatedNetwork network, string name, LinkConditions conditions, ulong seed)
    {
        _network = network;
        Name = name;
        _conditions = conditions;
        _random = new SimRandom(seed);
    }

    /// <summary>"from->to", by node names or addresses.</summary>
    public string Name { get; }

    /// <summary>The live conditions; change their properties, or replace them, at any time.</summary>
    public LinkConditions Conditions
    {
        get => _conditions;
        set => _conditions = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>False drops everything offered (<see cref="SimDropCause.LinkDown"/>); datagrams already
    /// in flight still arrive.</summary>
    public bool IsUp { get; set; } = true;

    public SimLinkCounters Counters { get; } = new();

    /// <summary>The bottleneck backlog now, in bytes.</summary>
    public long QueuedBytes => Backlog(_network.Now.Ticks, _conditions.BandwidthBitsPerSecond);

    /// <summary>Drops every datagram that enters the link in [start, start + duration).</summary>
    public void AddBlackout(Instant start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        _blackouts.Add((start.Ticks, (start + duration).Ticks));
    }

    public void ClearBlackouts() => _blackouts.Clear();

    /// <summary>Whether a datagram entering the link at <paramref name="time"/> falls in a blackout.</summary>
    public bool IsBlackedOut(Instant time)
    {
        long t = time.Ticks;
        foreach ((long start, long end) in _blackouts)
        {
            if (t >= start && t < end)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => Name;

    internal void Offer(SimNode sender, SimNode receiver, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        long now = _network.Now.Ticks;
        LinkConditions c = _conditions;
        int length = datagram.Length;
        Counters.DatagramsSent++;
        Counters.BytesSent += length;

        if (!IsUp)
        {
            Drop(SimDropCause.LinkDown, sender, receiver, source, destination, datagram, ecn);
            return;
        }

        if (_blackouts.Count != 0 && IsBlackedOut(_network.Now))
        {
            Drop(SimDropCause.Blackout, sender, receiver, source, destination, datagram, ecn);
            return;
        }

        if (length > c.Mtu)
        {
            Drop(SimDropCause.Mtu, sender, receiver, source, destination, datagram, ecn);
            return;
        }

        long departure = now;
        long rate = c.BandwidthBitsPerSecond;
        if (rate > 0)
        {
            long backlog = Backlog(now, rate);
            if (backlog > 0 && backlog + length > c.QueueCapacityBytes)
            {
                Drop(SimDropCause.QueueFull, sender, receiver, source, destination, datagram, ecn);
                return;
            }

            if (c.EcnMarkThresholdBytes is int threshold && backlog > threshold && ecn is EcnCodepoint.Ect0 or EcnCodepoint.Ect1)
            {
                ecn = EcnCodepoint.Ce;
                Counters.CeMarked++;
            }

            departure = Serialise(now, length, rate);
            Counters.MaxQueuedBytes = Math.Max(Counters.MaxQueuedBytes, backlog + length);
        }

        if (c.ClearEcn)
        {
            ecn = EcnCodepoint.NotEct;
        }

        // Loss after the bottleneck: a datagram lost on the wire still used its share of the bandwidth.
        if (_random.Chance(c.LossProbability))
        {
            Drop(SimDropCause.RandomLoss, sender, receiver, source, destination, datagram, ecn);
            return;
        }

        if (c.BurstLoss is { } burst && BurstLost(burst))
        {
            Drop(SimDropCause.BurstLoss, sender, receiver, source, destination, datagram, ecn);
            return;
        }

        ScheduleCopy(c, departure, sender, source, destination, datagram, ecn);
        if (_random.Chance(c.DuplicateProbability))
        {
            Counters.Duplicated++;
            ScheduleCopy(c, departure, sender, source, destination, datagram, ecn);
        }
    }

    private long Backlog(long now, long rate)
    {
        if (rate <= 0 || _busyUntilTicks <= now)
        {
            return 0;
        }

        // Bytes the transmitter still has to send before it is idle, rounded up.
        Int128 bits = (Int128)(_busyUntilTicks - now) * rate;
        Int128 perByte = 8 * (Int128)TimeSpan.TicksPerSecond;
        return (long)((bits + perByte - 1) / perByte);
    }

    private long Serialise(long now, int length, long rate)
    {
        long start;
        if (_busyUntilTicks <= now)
        {
            start = now;
            _busyRemainder = 0;
        }
        else
        {
            start = _busyUntilTicks;
        }

        // ticks = bits × TicksPerSecond / rate, exactly: the remainder carries to the next datagram.
        Int128 numerator = ((Int128)length * 8 * TimeSpan.TicksPerSecond) + _busyRemainder;
        long ticks = (long)(numerator / rate);
        _busyRemainder = (long)(numerator % rate);
        _busyUntilTicks = start + ticks;
        return _busyUntilTicks;
    }

    private bool BurstLost(GilbertElliottLoss model)
    {
        if (_burstBad)
        {
            if (_random.Chance(model.BadToGood))
            {
                _burstBad = false;
            }
        }
        else if (_random.Chance(model.GoodToBad))
        {
            _burstBad = true;
        }

        return _random.Chance(_burstBad ? model.LossInBad : model.LossInGood);
    }

    private void ScheduleCopy(LinkConditions c, long departure, SimNode sender, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        long arrival = departure + c.Latency.Ticks;
        if (c.Jitter > TimeSpan.Zero)
        {
            arrival += _random.NextInt64(c.Jitter.Ticks + 1);
        }

        if (_random.Chance(c.ReorderProbability))
        {
            arrival += c.ReorderDelay.Ticks;
            Counters.Reordered++;
        }
        else if (!c.JitterReorders)
        {
            arrival = Math.Max(arrival, _lastArrivalTicks);
            _lastArrivalTicks = arrival;
        }

        byte[] buffer = _network.Pool.Rent(datagram.Length);
        datagram.CopyTo(buffer);
        if (datagram.Length > 0 && _random.Chance(c.CorruptionProbability))
        {
            Corrupt(buffer.AsSpan(0, datagram.Length), c.CorruptionBitFlips);
            Counters.Corrupted++;
        }

        _network.EnqueueDelivery(arrival, sender, this, source, destination, buffer, datagram.Length, ecn);
    }

    private void Corrupt(Span<byte> data, int flips)
    {
        long bits = (long)data.Length * 8;
        int count = (int)Math.Min(flips, bits);
        Span<long> chosen = stackalloc long[64];
        for (int i = 0; i < count; i++)
        {
            long bit;
            do
            {
                bit = _random.NextInt64(bits);
            }
            while (chosen[..i].Contains(bit));

            chosen[i] = bit;
            data[(int)(bit >> 3)] ^= (byte)(1 << (int)(bit & 7));
        }
    }

    private void Drop(SimDropCause cause, SimNode sender, SimNode receiver, IPEndPoint source, IPEndPoint destination, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        Counters.AddDrop(cause);
        _network.ReportDrop(cause, sender, receiver, this, source, destination, datagram, ecn);
    }
}
