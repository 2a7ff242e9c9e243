using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class RecoveryAllocationTests
{
    [Theory]
    [InlineData(CongestionControlAlgorithm.NewReno)]
    [InlineData(CongestionControlAlgorithm.Cubic)]
    public void SteadyState_SendAckLossAndAckGeneration_AllocateNothing(CongestionControlAlgorithm algorithm)
    {
        var harness = new Harness(algorithm);
        harness.Run(20_000); // warm up: rings reach their steady size, code paths are jitted

        Assert.Equal(0, AllocationMeter.SteadyStateBytes(() => harness.Run(20_000)));
        Assert.True(harness.Sink.Acked > 60_000, $"acked {harness.Sink.Acked}");
        Assert.True(harness.Sink.Lost > 600, $"lost {harness.Sink.Lost}");
        Assert.True(harness.Sink.Frames > 120_000, $"frames {harness.Sink.Frames}");
        Assert.Equal(EcnValidationState.Capable, harness.EcnState);
        harness.Dispose();
    }

    private sealed class CountingSink : ISentPacketSink
    {
        public int Acked;
        public int Lost;
        public long Frames;

        public void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
        {
            Acked++;
            Frames += frames.Length;
        }

        public void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
        {
            Lost++;
            Frames += frames.Length;
        }
    }

    /// <summary>
    /// A sender with ~1000 packets in flight, acknowledged in pairs one "RTT" later, where every
    /// 100th packet is never acknowledged (declared lost by packet threshold); and a receiver
    /// tracking the same packet numbers and producing ACK ranges.
    /// </summary>
    private sealed class Harness : IDisposable
    {
        private const int Window = 1000;
        private readonly LossDetector _detector;
        private readonly Pacer _pacer = new(1200);
        private readonly ReceivedPacketTracker _receiver = new(PacketNumberSpace.ApplicationData);
        private readonly PacketNumberRange[] _ackRanges = new PacketNumberRange[1];
        private readonly SentFrame[] _frames = new SentFrame[2];
        private ulong _next;
        private ulong _ect0Acked;

        public Harness(CongestionControlAlgorithm algorithm)
        {
            var rtt = new RttEstimator();
            ICongestionController cc = CongestionControllerFactory.Create(algorithm);
            _detector = new LossDetector(rtt, cc, new EcnValidator(), isServer: true);
            _detector.OnHandshakeConfirmed(Instant.Zero);
        }

        public CountingSink Sink { get; } = new();

        public EcnValidationState EcnState => _detector.Ecn!.State;

        public void Run(int iterations)
        {
            Span<PacketNumberRange> receivedRanges = stackalloc PacketNumberRange[ReceivedPacketTracker.DefaultMaxRanges];
            for (int i = 0; i < iterations; i++)
            {
                ulong pn = _next++;
                Instant now = Instant.FromTicks(1_000_000 + ((long)pn * 100));

                // Send.
                _frames[0] = SentFrame.Stream(4, pn * 1000, 1000, false);
                _frames[1] = SentFrame.MaxStreamData(4, pn * 2000);
                ICongestionController cc = _detector.Congestion;
                _pacer.GetNextSendTime(now, 1200, cc.CongestionWindow, _detector.Rtt.SmoothedRtt);
                _detector.OnPacketSent(PacketNumberSpace.ApplicationData, pn, now, 1200, SentPacketFlags.AckEliciting | SentPacketFlags.EcnEct0, _frames);
                _pacer.OnPacketSent(now, 1200, cc.CongestionWindow, _detector.Rtt.SmoothedRtt);

                // Receive side of the same numbers, with an ACK frame every two packets.
                _receiver.OnPacketReceived(pn, true, EcnCodepoint.Ect0, now);
                if (_receiver.AckDeadline <= now)
                {
                    _receiver.CopyRanges(receivedRanges);
                    _receiver.EncodeAckDelay(now, 3);
                    _ = _receiver.EcnCounts;
                    _receiver.OnAckSent();
                    if (pn % 10 == 0 && pn > 5)
                    {
                        _receiver.OnAckFrameAcknowledged(pn - 5);
                    }
                }

                // Acknowledge the pair sent a window ago; every 100th packet stays unacknowledged.
                if (pn >= Window && pn % 2 == 1)
                {
                    ulong hi = pn - Window;
                    ulong lo = hi - 1;
                    bool hole = lo % 100 == 50;
                    _ackRanges[0] = new PacketNumberRange(hole ? hi : lo, hi);
                    _ect0Acked += hole ? 1UL : 2UL;
                    EcnCounts? counts = new EcnCounts(_ect0Acked, 0, 0);
                    _detector.OnAckReceived(PacketNumberSpace.ApplicationData, _ackRanges, TimeSpan.FromTicks(50), counts, now, Sink);
                }

                if (_detector.Deadline <= now)
                {
                    _detector.OnTimeout(now, Sink);
                }
            }
        }

        public void Dispose() => _detector.Dispose();
    }
}
