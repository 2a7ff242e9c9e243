using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>
/// Two stream managers (client and server) joined by a simulated link in virtual time: each step
/// both sides build up to <see cref="PacketsPerStep"/> packets of <see cref="PacketSize"/> bytes
/// (control frames first, then stream chunks), which arrive one way-delay later or are lost
/// (seeded). The sender learns of delivery one RTT after sending (ack) and of loss one RTT after
/// sending, and reports every frame to its manager as acked or lost — as recovery would.
/// </summary>
internal sealed class StreamPairHarness
{
    private readonly Random _random;
    private readonly double _lossRate;
    private readonly TimeSpan _oneWay;
    private readonly List<Scheduled> _scheduled = [];
    private long _sequence;

    public StreamPairHarness(StreamManagerOptions clientOptions, StreamManagerOptions serverOptions, TimeSpan rtt, double lossRate, int seed)
    {
        Client = new StreamManager(false, clientOptions);
        Server = new StreamManager(true, serverOptions);
        Client.ApplyPeerTransportLimits(Server.LocalTransportLimits);
        Server.ApplyPeerTransportLimits(Client.LocalTransportLimits);
        Rtt = rtt;
        _oneWay = rtt / 2;
        _lossRate = lossRate;
        _random = new Random(seed);
    }

    private enum Kind
    {
        Deliver,
        Ack,
        Loss,
    }

    public StreamManager Client { get; }

    public StreamManager Server { get; }

    public TimeSpan Rtt { get; }

    public Instant Now { get; private set; } = Instant.FromTimeSpan(TimeSpan.FromSeconds(1));

    public int PacketsPerStep { get; set; } = 8;

    public int PacketSize { get; set; } = 1200;

    public long PacketsSent { get; private set; }

    public long PacketsLost { get; private set; }

    /// <summary>Control frames delivered, by type (both directions).</summary>
    public Dictionary<StreamControlFrameType, int> ControlFramesDelivered { get; } = [];

    /// <summary>Advances time by <paramref name="dt"/>, delivers what is due, then lets both sides send.</summary>
    public void Step(TimeSpan dt)
    {
        Now += dt;
        _scheduled.Sort(static (a, b) => a.At != b.At ? a.At.CompareTo(b.At) : a.Sequence.CompareTo(b.Sequence));
        int due = 0;
        while (due < _scheduled.Count && _scheduled[due].At <= Now)
        {
            due++;
        }

        List<Scheduled> now = _scheduled.GetRange(0, due);
        _scheduled.RemoveRange(0, due);
        foreach (Scheduled s in now)
        {
            Process(s);
        }

        Send(Client, Server);
        Send(Server, Client);
    }

    private void Send(StreamManager from, StreamManager to)
    {
        for (int p = 0; p < PacketsPerStep; p++)
        {
            var frames = new List<Frame>();
            int remaining = PacketSize;
            while (from.TryPollControlFrame(remaining, out StreamControlFrame control))
            {
                frames.Add(new Frame(control, default, null));
                remaining -= control.EncodedLength;
            }

            while (remaining > 8 && from.TryPollStreamChunk(remaining, out StreamChunk chunk))
            {
                var data = new byte[chunk.Length];
                from.CopyStreamData(chunk, data);
                frames.Add(new Frame(default, chunk, data));
                remaining -= chunk.HeaderLength + chunk.Length;
                Assert.True(remaining >= 0, "a chunk overflowed the packet");
            }

            if (frames.Count == 0)
            {
                return;
            }

            PacketsSent++;
            var packet = new Packet(from, to, frames);
            if (_random.NextDouble() < _lossRate)
            {
                PacketsLost++;
                Schedule(Now + Rtt, Kind.Loss, packet);
            }
            else
            {
                Schedule(Now + _oneWay, Kind.Deliver, packet);
                Schedule(Now + Rtt, Kind.Ack, packet);
            }
        }
    }

    private void Schedule(Instant at, Kind kind, Packet packet) => _scheduled.Add(new Scheduled(at, _sequence++, kind, packet));

    private void Process(Scheduled s)
    {
        foreach (Frame f in s.Packet.Frames)
        {
            if (f.Data is not null)
            {
                StreamChunk c = f.Chunk;
                switch (s.Kind)
                {
                    case Kind.Deliver:
                        s.Packet.To.HandleStreamFrame(c.StreamId, c.Offset, f.Data, c.Fin);
                        break;
                    case Kind.Ack:
                        s.Packet.From.OnStreamDataAcked(c.StreamId, c.Offset, c.Length, c.Fin);
                        break;
                    default:
                        s.Packet.From.OnStreamDataLost(c.StreamId, c.Offset, c.Length, c.Fin);
                        break;
                }

                continue;
            }

            switch (s.Kind)
            {
                case Kind.Deliver:
                    ControlFramesDelivered[f.Control.Type] = ControlFramesDelivered.GetValueOrDefault(f.Control.Type) + 1;
                    Dispatch(s.Packet.To, f.Control);
                    break;
                case Kind.Ack:
                    s.Packet.From.OnControlFrameAcked(f.Control);
                    break;
                default:
                    s.Packet.From.OnControlFrameLost(f.Control);
                    break;
            }
        }
    }

    /// <summary>What a connection does with a parsed control frame.</summary>
    public static void Dispatch(StreamManager to, StreamControlFrame f)
    {
        switch (f.Type)
        {
            case StreamControlFrameType.MaxData:
                to.HandleMaxData(f.Value);
                break;
            case StreamControlFrameType.MaxStreamData:
                to.HandleMaxStreamData(f.StreamId, f.Value);
                break;
            case StreamControlFrameType.MaxStreamsBidi:
                to.HandleMaxStreams(StreamDirection.Bidirectional, f.Value);
                break;
            case StreamControlFrameType.MaxStreamsUni:
                to.HandleMaxStreams(StreamDirection.Unidirectional, f.Value);
                break;
            case StreamControlFrameType.DataBlocked:
                to.HandleDataBlocked(f.Value);
                break;
            case StreamControlFrameType.StreamDataBlocked:
                to.HandleStreamDataBlocked(f.StreamId, f.Value);
                break;
            case StreamControlFrameType.StreamsBlockedBidi:
                to.HandleStreamsBlocked(StreamDirection.Bidirectional, f.Value);
                break;
            case StreamControlFrameType.StreamsBlockedUni:
                to.HandleStreamsBlocked(StreamDirection.Unidirectional, f.Value);
                break;
            case StreamControlFrameType.ResetStream:
                to.HandleResetStream(f.StreamId, f.ErrorCode, f.FinalSize);
                break;
            case StreamControlFrameType.StopSending:
                to.HandleStopSending(f.StreamId, f.ErrorCode);
                break;
            default:
                throw new InvalidOperationException($"Unknown control frame {f.Type}.");
        }
    }

    private sealed record Frame(StreamControlFrame Control, StreamChunk Chunk, byte[]? Data);

    private sealed record Packet(StreamManager From, StreamManager To, List<Frame> Frames);

    private sealed record Scheduled(Instant At, long Sequence, Kind Kind, Packet Packet);
}
