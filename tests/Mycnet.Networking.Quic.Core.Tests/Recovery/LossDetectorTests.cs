using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class LossDetectorTests
{
    [Fact]
    public void AckedPackets_AreReportedWithTheirFrames_AndLeaveBytesInFlight()
    {
        using LossDetector ld = T.Detector(out _, out ICongestionController cc);
        var sink = new RecordingSink();
        ld.OnPacketSent(PacketNumberSpace.ApplicationData, 0, T.Ms(0), 1000, SentPacketFlags.AckEliciting,
            [SentFrame.Stream(4, 0, 900, false), SentFrame.MaxData(5000)]);
        ld.OnPacketSent(PacketNumberSpace.ApplicationData, 1, T.Ms(1), 500, SentPacketFlags.AckEliciting, [SentFrame.Ack(77)]);
        Assert.Equal(1500, cc.BytesInFlight);

        AckProcessingResult result = ld.AckApp(T.Ms(50), sink, (0, 1));

        Assert.Equal(2, result.NewlyAcked);
        Assert.True(result.RttSampled);
        Assert.Equal([0UL, 1UL], sink.AckedNumbers.Order());
        Assert.Equal([SentFrame.Stream(4, 0, 900, false), SentFrame.MaxData(5000), SentFrame.Ack(77)], sink.AckedFrames);
        Assert.Equal(0, cc.BytesInFlight);
        Assert.Equal(0, ld.GetSpace(PacketNumberSpace.ApplicationData).TrackedCount);
        Assert.True(ld.Deadline.IsNever);
    }

    [Fact]
    public void PacketThreshold_DeclaresAPacketLost_OnceThreePacketsAfterItAreAcknowledged()
    {
        using LossDetector ld = T.Detector(out _, out ICongestionController cc);
        var sink = new RecordingSink();
        for (ulong pn = 0; pn < 5; pn++)
        {
            ld.SendApp(pn, T.Ms(pn));
        }

        AckProcessingResult first = ld.AckApp(T.Ms(20), sink, (1, 2));
        Assert.Equal(0, first.Lost);
        Assert.Empty(sink.Lost);

        AckProcessingResult second = ld.AckApp(T.Ms(21), sink, (3, 3));
        Assert.Equal(1, second.Lost);
        Assert.True(second.CongestionEvent);
        Assert.Equal([0UL], sink.LostNumbers);
        Assert.Equal([SentFrame.Stream(4, 0, 1000, false)], sink.LostFrames);
        Assert.Equal(1200, cc.BytesInFlight); // packet 4 only
        Assert.Equal(1, cc.CongestionEvents);
    }

    [Fact]
    public void TimeThreshold_SetsTheLossTimer_AndDeclaresLossWhenItFires()
    {
        using LossDetector ld = T.Detector(out RttEstimator rtt, out _);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0));
        ld.AckApp(T.Ms(100), sink, (0, 0)); // RTT 100 ms
        Assert.Equal(T.Span(100), rtt.SmoothedRtt);

        ld.SendApp(1, T.Ms(200));
        ld.SendApp(2, T.Ms(210));
        ld.AckApp(T.Ms(310), sink, (2, 2));

        // Loss delay 9/8 * 100 ms = 112.5 ms: packet 1 (sent at 200) is not yet lost at 310 ms.
        Assert.Empty(sink.Lost);
        Assert.Equal(T.Ms(312.5), ld.GetSpace(PacketNumberSpace.ApplicationData).LossTime);
        Assert.Equal(T.Ms(312.5), ld.Deadline);

        Assert.Equal(LossTimeoutKind.None, ld.OnTimeout(T.Ms(312.4), sink).Kind);
        Assert.Empty(sink.Lost);

        LossTimeoutResult fired = ld.OnTimeout(T.Ms(312.5), sink);
        Assert.Equal(LossTimeoutKind.LossDetected, fired.Kind);
        Assert.Equal(PacketNumberSpace.ApplicationData, fired.Space);
        Assert.Equal([1UL], sink.LostNumbers);
        Assert.True(ld.Deadline.IsNever);
        Assert.Equal(0, ld.GetSpace(PacketNumberSpace.ApplicationData).TrackedCount);
    }

    [Fact]
    public void ReorderingWithinThresholds_IsNotDeclaredLost()
    {
        using LossDetector ld = T.Detector(out _, out ICongestionController cc);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0));
        ld.AckApp(T.Ms(100), sink, (0, 0));
        for (ulong pn = 1; pn <= 4; pn++)
        {
            ld.SendApp(pn, T.Ms(200 + pn));
        }

        // 1 and 2 arrive late: 3 is acknowledged first (only one packet after 2, two after 1).
        ld.AckApp(T.Ms(303), sink, (3, 3));
        Assert.Empty(sink.Lost);
        ld.AckApp(T.Ms(305), sink, (1, 3));
        ld.AckApp(T.Ms(306), sink, (4, 4), (1, 2));

        Assert.Empty(sink.Lost);
        Assert.Equal([0UL, 3UL, 1UL, 2UL, 4UL], sink.AckedNumbers);
        Assert.Equal(0, cc.CongestionEvents);
        Assert.Equal(0, cc.BytesInFlight);
    }

    [Fact]
    public void AckOfAPacketNeverSent_IsAProtocolViolation_AndChangesNothing()
    {
        using LossDetector ld = T.Detector(out _, out ICongestionController cc);
        var sink = new RecordingSink();

        var none = Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(1), sink, (0, 0)));
        Assert.Equal(TransportErrorCode.ProtocolViolation, none.ErrorCode);

        ld.SendApp(0, T.Ms(0));
        ld.SendApp(1, T.Ms(1));
        ld.SendApp(3, T.Ms(2)); // 2 skipped by the sender (RFC 9000 §21.4)

        var above = Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(5), sink, (0, 4)));
        Assert.Equal(TransportErrorCode.ProtocolViolation, above.ErrorCode);
        var skipped = Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(5), sink, (3, 3), (0, 2)));
        Assert.Equal(TransportErrorCode.ProtocolViolation, skipped.ErrorCode);
        Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(5), sink, (2, 2)));

        Assert.Empty(sink.Acked);
        Assert.Equal(3600, cc.BytesInFlight);

        ld.AckApp(T.Ms(5), sink, (3, 3), (0, 1));
        Assert.Equal(3, sink.Acked.Count);
    }

    [Fact]
    public void MalformedRanges_AreAFrameEncodingError()
    {
        using LossDetector ld = T.Detector(out _, out _);
        var sink = new RecordingSink();
        for (ulong pn = 0; pn < 10; pn++)
        {
            ld.SendApp(pn, T.Ms(pn));
        }

        var ascending = Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(20), sink, (0, 1), (5, 6)));
        Assert.Equal(TransportErrorCode.FrameEncodingError, ascending.ErrorCode);
        var inverted = Assert.Throws<QuicProtocolException>(() => ld.AckApp(T.Ms(20), sink, (6, 5)));
        Assert.Equal(TransportErrorCode.FrameEncodingError, inverted.ErrorCode);
        var empty = Assert.Throws<QuicProtocolException>(() =>
            ld.OnAckReceived(PacketNumberSpace.ApplicationData, ReadOnlySpan<PacketNumberRange>.Empty, TimeSpan.Zero, null, T.Ms(20), sink));
        Assert.Equal(TransportErrorCode.FrameEncodingError, empty.ErrorCode);
    }

    [Fact]
    public void RepeatedAndStaleAcks_AreNotNewlyAcknowledged()
    {
        using LossDetector ld = T.Detector(out RttEstimator rtt, out _);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0));
        ld.SendApp(1, T.Ms(1));
        ld.AckApp(T.Ms(50), sink, (0, 1));
        TimeSpan srtt = rtt.SmoothedRtt;

        AckProcessingResult again = ld.AckApp(T.Ms(500), sink, (0, 1));
        Assert.Equal(0, again.NewlyAcked);
        Assert.False(again.RttSampled);
        Assert.Equal(srtt, rtt.SmoothedRtt);
        Assert.Equal(2, sink.Acked.Count);
    }

    [Fact]
    public void RttSample_IsTakenOnlyWhenTheLargestAcknowledgedIsNewlyAcknowledgedAndAckEliciting()
    {
        using LossDetector ld = T.Detector(out RttEstimator rtt, out _);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0), flags: SentPacketFlags.None); // ACK-only packet
        ld.AckApp(T.Ms(40), sink, (0, 0));
        Assert.False(rtt.HasSample);

        ld.SendApp(1, T.Ms(50));
        ld.SendApp(2, T.Ms(60));
        ld.AckApp(T.Ms(90), sink, (2, 2));
        Assert.Equal(T.Span(30), rtt.LatestRtt);

        // The largest (2) is not newly acknowledged: no sample from 1.
        ld.AckApp(T.Ms(200), sink, (1, 2));
        Assert.Equal(T.Span(30), rtt.LatestRtt);
    }

    [Fact]
    public void AckDelay_IsIgnoredForInitialPackets()
    {
        var rtt = new RttEstimator();
        using var ld = new LossDetector(rtt, new NewRenoCongestionController(), null, isServer: true);
        var sink = new RecordingSink();
        ld.OnPacketSent(PacketNumberSpace.Initial, 0, T.Ms(0), 1200, SentPacketFlags.AckEliciting, [SentFrame.Crypto(0, 1000)]);
        ld.OnPacketSent(PacketNumberSpace.Initial, 1, T.Ms(100), 1200, SentPacketFlags.AckEliciting, [SentFrame.Crypto(1000, 1000)]);
        ld.OnAckReceived(PacketNumberSpace.Initial, T.One(0), T.Span(10), null, T.Ms(100), sink);
        ld.OnAckReceived(PacketNumberSpace.Initial, T.One(1), T.Span(50), null, T.Ms(250), sink);

        // Second sample 150 ms with the 50 ms delay ignored: srtt = 7/8*100 + 1/8*150.
        Assert.Equal(T.Span(106.25), rtt.SmoothedRtt);
    }

    [Fact]
    public void DiscardSpace_RemovesItsPacketsFromBytesInFlight_WithoutReportingThem()
    {
        var rtt = new RttEstimator();
        var cc = new NewRenoCongestionController();
        using var ld = new LossDetector(rtt, cc, null, isServer: true);
        var sink = new RecordingSink();
        ld.OnPacketSent(PacketNumberSpace.Initial, 0, T.Ms(0), 1200, SentPacketFlags.AckEliciting, [SentFrame.Crypto(0, 1100)]);
        ld.OnPacketSent(PacketNumberSpace.Handshake, 0, T.Ms(10), 1000, SentPacketFlags.AckEliciting, [SentFrame.Crypto(0, 900)]);
        Assert.Equal(2200, cc.BytesInFlight);
        Assert.Equal(T.Ms(999), ld.Deadline); // Initial's PTO is earlier

        ld.DiscardSpace(PacketNumberSpace.Initial, T.Ms(20));

        Assert.False(ld.HasSpace(PacketNumberSpace.Initial));
        Assert.Equal(1000, cc.BytesInFlight);
        Assert.Empty(sink.Lost);
        Assert.Equal(T.Ms(1009), ld.Deadline); // now the Handshake PTO
        Assert.Equal(0, ld.PtoCount);

        // An ACK for the discarded space cannot be processed and is ignored.
        Assert.Equal(0, ld.OnAckReceived(PacketNumberSpace.Initial, T.One(0), TimeSpan.Zero, null, T.Ms(30), sink).NewlyAcked);
        Assert.Throws<InvalidOperationException>(() =>
            ld.OnPacketSent(PacketNumberSpace.Initial, 1, T.Ms(30), 1200, SentPacketFlags.AckEliciting, []));
    }

    [Fact]
    public void DiscardZeroRttPackets_ReportsThemLostForResending_WithoutCongestionReaction()
    {
        var cc = new NewRenoCongestionController();
        using var ld = new LossDetector(new RttEstimator(), cc, null, isServer: false);
        var sink = new RecordingSink();
        ld.OnPacketSent(PacketNumberSpace.ApplicationData, 0, T.Ms(0), 1200, SentPacketFlags.AckEliciting | SentPacketFlags.ZeroRtt, [SentFrame.Stream(0, 0, 1100, false)]);
        ld.OnPacketSent(PacketNumberSpace.ApplicationData, 1, T.Ms(1), 1200, SentPacketFlags.AckEliciting | SentPacketFlags.ZeroRtt, [SentFrame.Stream(0, 1100, 1100, true)]);
        ld.OnPacketSent(PacketNumberSpace.ApplicationData, 2, T.Ms(2), 1200, SentPacketFlags.AckEliciting, [SentFrame.Ping()]);
        long window = cc.CongestionWindow;

        ld.DiscardZeroRttPackets(T.Ms(5), sink);

        Assert.Equal([0UL, 1UL], sink.LostNumbers);
        Assert.Equal([SentFrame.Stream(0, 0, 1100, false), SentFrame.Stream(0, 1100, 1100, true)], sink.LostFrames);
        Assert.Equal(1200, cc.BytesInFlight);
        Assert.Equal(window, cc.CongestionWindow);
        Assert.Equal(0, cc.CongestionEvents);
    }

    [Fact]
    public void ThousandsOfPacketsInFlight_AreTrackedInOneGrowingRing_AndAckedByRanges()
    {
        using LossDetector ld = T.Detector(out _, out ICongestionController cc);
        var sink = new RecordingSink();
        const int count = 10_000;
        for (ulong pn = 0; pn < count; pn++)
        {
            ld.SendApp(pn, T.Ms(pn * 0.01));
        }

        SentPacketTracker space = ld.GetSpace(PacketNumberSpace.ApplicationData);
        Assert.Equal(count, space.TrackedCount);
        Assert.True(space.PacketCapacity >= count);
        Assert.Equal(count * 1200L, cc.BytesInFlight);

        // Acknowledge everything but every 100th packet, in descending ranges.
        var ranges = new List<PacketNumberRange>();
        for (long hi = count - 1; hi >= 0; hi -= 100)
        {
            ranges.Add(new PacketNumberRange((ulong)Math.Max(hi - 98, 0), (ulong)hi));
        }

        AckProcessingResult result = ld.OnAckReceived(PacketNumberSpace.ApplicationData, ranges.ToArray(), TimeSpan.Zero, null, T.Ms(150), sink);

        // Holes at 0, 100, ..., 9900: all at least kPacketThreshold below the largest acknowledged.
        Assert.Equal(count - 100, result.NewlyAcked);
        Assert.Equal(100, result.Lost);
        Assert.Equal(0, cc.BytesInFlight);
        Assert.Equal(0, space.TrackedCount);
    }

    [Fact]
    public void FramesStayAttachedToTheirPackets_AcrossRingWrapAndGrowth()
    {
        using LossDetector ld = T.Detector(out _, out _);
        var sink = new FrameCheckingSink();
        var random = new Random(1234);
        ulong next = 0;
        ulong nextToAck = 0;
        double now = 0;
        for (int round = 0; round < 400; round++)
        {
            int burst = random.Next(1, 60);
            for (int i = 0; i < burst; i++)
            {
                int n = random.Next(0, 9);
                var frames = new SentFrame[n];
                for (int f = 0; f < n; f++)
                {
                    frames[f] = SentFrame.Stream((ulong)f, next, f + 1, false);
                }

                sink.Expected[next] = frames;
                ld.OnPacketSent(PacketNumberSpace.ApplicationData, next, T.Ms(now), 1200, SentPacketFlags.AckEliciting, frames);
                next++;
                now += 0.1;
            }

            // Acknowledge a random prefix, skipping a random packet now and then.
            ulong upTo = nextToAck + (ulong)random.Next(0, (int)(next - nextToAck));
            if (upTo > nextToAck)
            {
                ulong hole = nextToAck + (ulong)random.Next(0, (int)(upTo - nextToAck));
                var ranges = new List<PacketNumberRange>();
                if (hole < upTo - 1)
                {
                    ranges.Add(new PacketNumberRange(hole + 1, upTo - 1));
                }

                if (hole > nextToAck)
                {
                    ranges.Add(new PacketNumberRange(nextToAck, hole - 1));
                }

                if (ranges.Count > 0)
                {
                    ld.OnAckReceived(PacketNumberSpace.ApplicationData, ranges.ToArray(), TimeSpan.Zero, null, T.Ms(now), sink);
                }

                nextToAck = upTo;
            }

            now += 1;
        }

        Assert.True(sink.Checked > 5000, $"only {sink.Checked} packets checked");
    }

    private sealed class FrameCheckingSink : ISentPacketSink
    {
        public Dictionary<ulong, SentFrame[]> Expected { get; } = [];

        public int Checked { get; private set; }

        public void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames) => Check(packet.PacketNumber, frames);

        public void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames) => Check(packet.PacketNumber, frames);

        private void Check(ulong pn, ReadOnlySpan<SentFrame> frames)
        {
            Assert.True(Expected.Remove(pn, out SentFrame[]? expected), $"packet {pn} reported twice or never sent");
            Assert.Equal(expected, frames.ToArray());
            Checked++;
        }
    }
}
