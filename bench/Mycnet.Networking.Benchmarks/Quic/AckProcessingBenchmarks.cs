using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Benchmarks.Quic;

/// <summary>
/// ACK processing (RFC 9002): the sender's <see cref="LossDetector.OnAckReceived"/> on a steady
/// window of about 1000 packets in flight, and the receiver's <see cref="ReceivedPacketTracker"/>
/// with the ACK frame it writes. One operation is one ACK frame and the two packets around it
/// (sent, or received). Steady state must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class AckProcessingBenchmarks
{
    private SenderHarness _contiguous = null!;
    private SenderHarness _withRanges = null!;
    private ReceiverHarness _receiver = null!;

    [GlobalSetup]
    public void Setup()
    {
        _contiguous = new SenderHarness(holes: false);
        _withRanges = new SenderHarness(holes: true);
        _receiver = new ReceiverHarness();

        // Reach the steady state (rings at their working size) before BenchmarkDotNet warms up.
        int acks = 0;
        for (int i = 0; i < 20_000; i++)
        {
            _contiguous.Step();
            _withRanges.Step();
            acks += _receiver.Step() > 0 ? 1 : 0;
        }

        // The harnesses must do what the benchmarks claim, or they would measure nothing.
        if (_contiguous.Sink.Acked < 30_000 || _contiguous.Sink.Lost != 0 || _withRanges.Sink.Lost == 0 || acks < 19_000)
        {
            throw new InvalidOperationException(
                $"Harness off: contiguous acked {_contiguous.Sink.Acked} frames, lost {_contiguous.Sink.Lost}; four ranges lost {_withRanges.Sink.Lost}; {acks} ACK frames written in 20000 steps.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _contiguous.Dispose();
        _withRanges.Dispose();
    }

    /// <summary>Send two packets; an ACK of one range acknowledges the two sent a window (1000 packets, 10 ms) earlier.</summary>
    [Benchmark]
    public int OnAckReceived_SteadyWindow() => _contiguous.Step();

    /// <summary>
    /// As above, but every 50th packet is never acknowledged and the ACK frame carries four
    /// ranges, as a receiver's does: the new one and three older ones around the holes (already
    /// acknowledged, skipped); each hole is declared lost by the packet threshold.
    /// </summary>
    [Benchmark]
    public int OnAckReceived_FourRanges() => _withRanges.Step();

    /// <summary>Receive two packets (every 50th missing), then build the ACK frame: ranges, ACK delay, encoded length, write; prune on ACK of ACK every 8th.</summary>
    [Benchmark]
    public int ReceivedPacketTracker_WriteAck() => _receiver.Step();

    private sealed class CountingSink : ISentPacketSink
    {
        public long Acked;
        public long Lost;

        public void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames) => Acked += frames.Length;

        public void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames) => Lost += frames.Length;
    }

    private sealed class SenderHarness : IDisposable
    {
        private const int Window = 1000;
        private const ulong HoleEvery = 50;
        private const ulong HoleAt = 24;
        private static readonly TimeSpan PacketInterval = TimeSpan.FromTicks(100); // 10 us
        private static readonly TimeSpan AckDelay = TimeSpan.FromMicroseconds(25);

        private readonly LossDetector _detector;
        private readonly CountingSink _sink = new();

        public CountingSink Sink => _sink;
        private readonly SentFrame[] _frames = new SentFrame[2];
        private readonly PacketNumberRange[] _ranges = new PacketNumberRange[4];
        private readonly bool _holes;
        private ulong _next;
        private Instant _now = Instant.FromTicks(1_000_000);

        public SenderHarness(bool holes)
        {
            _holes = holes;
            _detector = new LossDetector(new RttEstimator(), CongestionControllerFactory.Create(CongestionControlAlgorithm.Cubic, 1452), ecn: null, isServer: true);
            _detector.OnHandshakeConfirmed(_now);
        }

        public int Step()
        {
            Send();
            ulong newest = Send();

            // Acknowledge from the first pair on; with holes, once three holes lie below (the
            // packets before them are then declared lost, once).
            if (newest < Window + (_holes ? 4 * HoleEvery : 0))
            {
                return 0;
            }

            ulong hi = newest - Window; // odd, never a hole
            int count;
            if (!_holes)
            {
                _ranges[0] = new PacketNumberRange(hi - 1, hi);
                count = 1;
            }
            else
            {
                ulong hole = hi - ((hi - HoleAt) % HoleEvery);
                _ranges[0] = new PacketNumberRange(hole + 1, hi);
                for (int i = 1; i < _ranges.Length; i++)
                {
                    ulong below = hole - HoleEvery;
                    _ranges[i] = new PacketNumberRange(below + 1, hole - 1);
                    hole = below;
                }

                count = _ranges.Length;
            }

            AckProcessingResult result = _detector.OnAckReceived(PacketNumberSpace.ApplicationData, _ranges.AsSpan(0, count), AckDelay, null, _now, _sink);
            if (_detector.Deadline <= _now)
            {
                _detector.OnTimeout(_now, _sink);
            }

            return result.NewlyAcked;
        }

        public void Dispose() => _detector.Dispose();

        private ulong Send()
        {
            ulong pn = _next++;
            _now += PacketInterval;
            _frames[0] = SentFrame.Stream(4, pn * 1100, 1100, false);
            _frames[1] = SentFrame.MaxData(pn * 2000);
            _detector.OnPacketSent(PacketNumberSpace.ApplicationData, pn, _now, 1200, SentPacketFlags.AckEliciting, _frames);
            return pn;
        }
    }

    private sealed class ReceiverHarness
    {
        private readonly ReceivedPacketTracker _tracker = new(PacketNumberSpace.ApplicationData);
        private readonly PacketNumberRange[] _ranges = new PacketNumberRange[ReceivedPacketTracker.DefaultMaxRanges];
        private readonly byte[] _frame = new byte[1200];
        private ulong _next;
        private long _steps;
        private Instant _now = Instant.FromTicks(1_000_000);

        public int Step()
        {
            Receive();
            Receive();
            int written = 0;
            if (_tracker.AckDeadline <= _now)
            {
                int count = _tracker.CopyRanges(_ranges);
                ulong delay = _tracker.EncodeAckDelay(_now, 3);
                EcnCounts? ecn = _tracker.EcnCounts;
                ReadOnlySpan<PacketNumberRange> ranges = _ranges.AsSpan(0, count);
                int length = AckFrame.GetEncodedLength(ranges, delay, ecn);
                var writer = new WireWriter(_frame.AsSpan(0, length));
                AckFrame.Write(ref writer, ranges, delay, ecn);
                _tracker.OnAckSent();
                written = writer.Position;
            }

            // The peer acknowledges our ACK frames now and then (ACK of ACK, RFC 9000 §13.2.4).
            if (++_steps % 8 == 0 && _next > 200)
            {
                _tracker.OnAckFrameAcknowledged(_next - 200);
            }

            return written;
        }

        private void Receive()
        {
            ulong pn = _next++;
            _now += TimeSpan.FromTicks(100);
            if (pn % 50 != 24)
            {
                _tracker.OnPacketReceived(pn, ackEliciting: true, EcnCodepoint.Ect0, _now);
            }
        }
    }
}
