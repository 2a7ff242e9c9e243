using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

/// <summary>
/// RFC 9002 §7.6.2's example, played in virtual time with one unit = 100 ms. The path's RTT is
/// 20 ms and the peer's max_ack_delay 150 ms, so that smoothed_rtt + max(4*rttvar, kGranularity)
/// + max_ack_delay = 2 units when the PTOs fire, as the example assumes.
/// </summary>
public sealed class PersistentCongestionTests
{
    private static Instant U(double units) => T.Ms(1000 + (units * 100));

    private static (LossDetector Detector, RttEstimator Rtt, NewRenoCongestionController Cc) Path(bool priorSample)
    {
        var rtt = new RttEstimator();
        var cc = new NewRenoCongestionController();
        var ld = new LossDetector(rtt, cc, null, isServer: true) { PeerMaxAckDelay = T.Span(150) };
        ld.OnHandshakeConfirmed(Instant.Zero);
        if (priorSample)
        {
            // An RTT sample before the example starts: 20 ms.
            ld.SendApp(0, U(-0.4));
            ld.AckApp(U(-0.2), new RecordingSink(), (0, 0));
        }

        return (ld, rtt, cc);
    }

    /// <summary>Plays the example's table up to t = 12 (packets 1–9, the ACK of 1, both PTOs).</summary>
    private static void PlayExampleUntilTwelve(LossDetector ld, RecordingSink sink)
    {
        ld.SendApp(1, U(0));
        ld.SendApp(2, U(1));

        // t = 1.2: acknowledgment of #1, reporting a 100 ms ack delay (≤ max_ack_delay): the
        // adjusted sample stays 20 ms, rttvar decays to 7.5 ms: PTO = 20 + 30 + 150 = 200 ms = 2 units.
        ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(1), T.Span(100), null, U(1.2), sink);
        Assert.Equal(T.Span(200), ld.GetProbeTimeout(PacketNumberSpace.ApplicationData));

        for (ulong pn = 3; pn <= 7; pn++)
        {
            ld.SendApp(pn, U(pn - 1));
        }

        // t = 8: PTO 1.
        Assert.Equal(U(8), ld.Deadline);
        Assert.Equal(LossTimeoutKind.Probe, ld.OnTimeout(U(8), sink).Kind);
        ld.SendApp(8, U(8));

        // t = 12: PTO 2 (backoff doubles the period to 4 units).
        Assert.Equal(U(12), ld.Deadline);
        Assert.Equal(LossTimeoutKind.Probe, ld.OnTimeout(U(12), sink).Kind);
        ld.SendApp(9, U(12));
        Assert.Empty(sink.Lost);
    }

    [Fact]
    public void Rfc9002Example_PacketsTwoThroughEightLost_EstablishesPersistentCongestion()
    {
        (LossDetector ld, RttEstimator rtt, NewRenoCongestionController cc) = Path(priorSample: true);
        using LossDetector scope = ld;
        var sink = new RecordingSink();
        PlayExampleUntilTwelve(ld, sink);

        // t = 12.2: acknowledgment of #9.
        AckProcessingResult result = ld.AckApp(U(12.2), sink, (9, 9));

        Assert.Equal([2UL, 3UL, 4UL, 5UL, 6UL, 7UL, 8UL], sink.LostNumbers);

        // Congestion period 8 − 1 = 7 units exceeds the duration, 3 × (20 + 22.5 + 150) ms = 5.775 units.
        Assert.Equal(T.Span(577.5), rtt.GetPersistentCongestionDuration(ld.PeerMaxAckDelay));
        Assert.True(result.PersistentCongestion);

        // The window collapsed to kMinimumWindow and the recovery period ended (RFC 9002 Appendix
        // B.8), so the acknowledgment of #9, processed after the losses, grows it in slow start.
        Assert.Equal(cc.MinimumWindow + 1200, cc.CongestionWindow);
        Assert.True(cc.InSlowStart);
        Assert.Equal(rtt.LatestRtt, rtt.MinRtt);
        Assert.Equal(0, cc.BytesInFlight);
    }

    [Fact]
    public void Rfc9002Example_WithAnAcknowledgedPacketInBetween_IsNotPersistentCongestion()
    {
        (LossDetector ld, _, NewRenoCongestionController cc) = Path(priorSample: true);
        using LossDetector scope = ld;
        var sink = new RecordingSink();
        PlayExampleUntilTwelve(ld, sink);

        // Same, but #5 is acknowledged too: the lost periods are 1–3 and 5–8 units, both shorter than 5.775.
        AckProcessingResult result = ld.AckApp(U(12.2), sink, (9, 9), (5, 5));

        Assert.Equal([2UL, 3UL, 4UL, 6UL, 7UL, 8UL], sink.LostNumbers);
        Assert.True(result.CongestionEvent);
        Assert.False(result.PersistentCongestion);
        Assert.True(cc.CongestionWindow > cc.MinimumWindow);
    }

    [Fact]
    public void PacketsSentBeforeTheFirstRttSample_DoNotEstablishPersistentCongestion()
    {
        (LossDetector ld, RttEstimator rtt, NewRenoCongestionController cc) = Path(priorSample: false);
        using LossDetector scope = ld;
        var sink = new RecordingSink();
        ld.SendApp(1, T.Ms(0));
        for (ulong pn = 2; pn <= 5; pn++)
        {
            ld.SendApp(pn, T.Ms(5000 + (pn * 1000)));
        }

        ld.SendApp(6, T.Ms(11_000));

        // The ACK of #6 is the first RTT sample; #1–#5 span 10 s, far above 3 PTOs, but were all sent before it.
        AckProcessingResult result = ld.AckApp(T.Ms(11_100), sink, (6, 6));

        Assert.Equal(5, result.Lost);
        Assert.True(rtt.GetPersistentCongestionDuration(ld.PeerMaxAckDelay) < T.Span(10_000));
        Assert.False(result.PersistentCongestion);
        Assert.True(cc.CongestionWindow > cc.MinimumWindow);
    }

    [Fact]
    public void LostPacketsSpanningLessThanTheDuration_AreAnOrdinaryCongestionEvent()
    {
        (LossDetector ld, _, NewRenoCongestionController cc) = Path(priorSample: true);
        using LossDetector scope = ld;
        var sink = new RecordingSink();
        long before = cc.CongestionWindow;
        for (ulong pn = 1; pn <= 6; pn++)
        {
            ld.SendApp(pn, U(pn * 0.5));
        }

        // #1–#5 lost over 2 units (200 ms), well under 3 PTOs.
        AckProcessingResult result = ld.AckApp(U(3.2), sink, (6, 6));
        Assert.Equal(5, result.Lost);
        Assert.False(result.PersistentCongestion);
        Assert.Equal(before / 2, cc.CongestionWindow);
    }
}
