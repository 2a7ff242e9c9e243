using System.Buffers.Binary;
using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

/// <summary>Addresses and payload helpers shared by the simulator tests.</summary>
internal static class Toy
{
    public static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.0.0.1"), 50_000);
    public static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.0.0.2"), 443);

    // A toy datagram: sequence number, send time, then the sequence number's low byte as filler.
    public const int HeaderLength = 16;

    public static void WritePayload(Span<byte> buffer, long sequence, Instant sentAt)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer, sequence);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[8..], sentAt.Ticks);
        buffer[HeaderLength..].Fill((byte)sequence);
    }

    public static long SequenceOf(ReadOnlySpan<byte> datagram) => BinaryPrimitives.ReadInt64LittleEndian(datagram);

    public static Instant SentAtOf(ReadOnlySpan<byte> datagram) => Instant.FromTicks(BinaryPrimitives.ReadInt64LittleEndian(datagram[8..]));

    public static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    public static Instant At(double milliseconds) => Instant.FromTimeSpan(TimeSpan.FromMilliseconds(milliseconds));
}

/// <summary>Sends <c>burst</c> numbered datagrams every <c>interval</c> from <c>start</c> until <c>count</c> are out; allocation-free.</summary>
internal sealed class BlasterNode(IPEndPoint local, IPEndPoint destination, int size, TimeSpan interval, long count, Instant start = default, int burst = 1) : ISimulatedNode
{
    private Instant _nextSendAt = start;
    private long _scheduled;
    private int _pending;

    public IPEndPoint Local { get; set; } = local;

    public EcnCodepoint Ecn { get; set; }

    public long Sent { get; private set; }

    public long Received { get; private set; }

    public bool Done => Sent == count;

    public void HandleDatagram(Instant now, IPEndPoint localAddress, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn) => Received++;

    public void HandleTimeout(Instant now)
    {
        while (_nextSendAt <= now && _scheduled < count)
        {
            int n = (int)Math.Min(burst, count - _scheduled);
            _pending += n;
            _scheduled += n;
            _nextSendAt += interval;
        }
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (_pending == 0)
        {
            transmit = default;
            return false;
        }

        Toy.WritePayload(buffer[..size], Sent, now);
        _pending--;
        Sent++;
        transmit = new SimTransmit(Local, destination, size, Ecn);
        return true;
    }

    public Instant GetNextDeadline() => _scheduled < count ? _nextSendAt : Instant.MaxValue;
}

/// <summary>One datagram as a <see cref="SinkNode"/> saw it.</summary>
internal readonly record struct Arrival(long Sequence, Instant SentAt, Instant ArrivedAt, int Length, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn, byte[]? Bytes);

/// <summary>Counts what it receives; optionally records every arrival (and its bytes).</summary>
internal sealed class SinkNode(bool record = true, bool keepBytes = false) : ISimulatedNode
{
    public List<Arrival> Arrivals { get; } = [];

    public long Count { get; private set; }

    public long Bytes { get; private set; }

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        Count++;
        Bytes += datagram.Length;
        if (record)
        {
            bool numbered = datagram.Length >= Toy.HeaderLength;
            Arrivals.Add(new Arrival(
                numbered ? Toy.SequenceOf(datagram) : -1,
                numbered ? Toy.SentAtOf(datagram) : Instant.MaxValue,
                now,
                datagram.Length,
                local,
                remote,
                ecn,
                keepBytes ? datagram.ToArray() : null));
        }
    }

    public void HandleTimeout(Instant now)
    {
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        transmit = default;
        return false;
    }

    public Instant GetNextDeadline() => Instant.MaxValue;
}

/// <summary>Sends what a test queues with <see cref="Send"/>; records what it receives.</summary>
internal sealed class ManualNode : ISimulatedNode
{
    private readonly Queue<(SimTransmit Transmit, byte[] Bytes)> _outbox = new();

    public List<Arrival> Arrivals { get; } = [];

    public void Send(IPEndPoint source, IPEndPoint destination, byte[] bytes, EcnCodepoint ecn = EcnCodepoint.NotEct, int segmentSize = 0) =>
        _outbox.Enqueue((new SimTransmit(source, destination, bytes.Length, ecn, segmentSize), bytes));

    /// <summary>Sends every datagram it receives straight back.</summary>
    public bool EchoEverything { get; set; }

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        Arrivals.Add(new Arrival(datagram.Length >= 8 ? Toy.SequenceOf(datagram) : -1, Instant.MaxValue, now, datagram.Length, local, remote, ecn, datagram.ToArray()));
        if (EchoEverything)
        {
            Send(local, remote, datagram.ToArray());
        }
    }

    public void HandleTimeout(Instant now)
    {
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (!_outbox.TryDequeue(out (SimTransmit Transmit, byte[] Bytes) next))
        {
            transmit = default;
            return false;
        }

        next.Bytes.CopyTo(buffer);
        transmit = next.Transmit;
        return true;
    }

    public Instant GetNextDeadline() => Instant.MaxValue;
}

/// <summary>Answers every datagram with the same bytes, back to where it came from.</summary>
internal sealed class EchoNode : ISimulatedNode
{
    private readonly Queue<(IPEndPoint Local, IPEndPoint Remote, byte[] Bytes)> _replies = new();

    public long Echoed { get; private set; }

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn) =>
        _replies.Enqueue((local, remote, datagram.ToArray()));

    public void HandleTimeout(Instant now)
    {
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (!_replies.TryDequeue(out (IPEndPoint Local, IPEndPoint Remote, byte[] Bytes) reply))
        {
            transmit = default;
            return false;
        }

        reply.Bytes.CopyTo(buffer);
        Echoed++;
        transmit = new SimTransmit(reply.Local, reply.Remote, reply.Bytes.Length);
        return true;
    }

    public Instant GetNextDeadline() => Instant.MaxValue;
}

/// <summary>Sends a numbered ping every <c>interval</c>, <c>count</c> times, and records each round-trip time.</summary>
internal sealed class PingNode(IPEndPoint local, IPEndPoint server, TimeSpan interval, int count, int size = 64) : ISimulatedNode
{
    private Instant _nextPingAt;
    private int _sent;
    private bool _due;

    public List<TimeSpan> RoundTrips { get; } = [];

    public bool Done => RoundTrips.Count == count;

    public void HandleDatagram(Instant now, IPEndPoint localAddress, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn) =>
        RoundTrips.Add(now - Toy.SentAtOf(datagram));

    public void HandleTimeout(Instant now)
    {
        _due = true;
        _nextPingAt = now + interval;
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (!_due || _sent == count)
        {
            transmit = default;
            return false;
        }

        _due = false;
        Toy.WritePayload(buffer[..size], _sent++, now);
        transmit = new SimTransmit(local, server, size);
        return true;
    }

    public Instant GetNextDeadline() => _sent < count && !_due ? _nextPingAt : Instant.MaxValue;
}

/// <summary>Asks for timeouts at fixed instants and records when it got them.</summary>
internal sealed class TimerNode(params Instant[] deadlines) : ISimulatedNode
{
    private int _next;

    public List<Instant> Fired { get; } = [];

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
    }

    public void HandleTimeout(Instant now)
    {
        Fired.Add(now);
        while (_next < deadlines.Length && deadlines[_next] <= now)
        {
            _next++;
        }
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        transmit = default;
        return false;
    }

    public Instant GetNextDeadline() => _next < deadlines.Length ? deadlines[_next] : Instant.MaxValue;
}
