using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class CubicTests
{
    private const int Mss = 1200;

    /// <summary>A CUBIC controller grown in slow start to 100 datagrams, then hit by one loss at <paramref name="lossAt"/>.</summary>
    private static CubicCongestionController AfterLossAt100Packets(Instant lossAt, bool fastConvergence = true)
    {
        var cc = new CubicCongestionController { FastConvergence = fastConvergence };
        var rtt = new RttEstimator();
        while (cc.CongestionWindow < 100 * Mss)
        {
            cc.OnPacketSent(Instant.Zero, Mss);
            cc.OnPacketAcked(Instant.Zero, Instant.Zero, Mss, rtt);
        }

        Assert.Equal(100 * Mss, cc.CongestionWindow);
        cc.OnCongestionEvent(lossAt, lossAt);
        return cc;
    }

    [Fact]
    public void Cubic_SlowStart_IsNewRenos()
    {
        var cc = new CubicCongestionController();
        var rtt = new RttEstimator();
        Assert.Equal(12000, cc.CongestionWindow);
        Assert.Equal("cubic", cc.Name);
        cc.OnPacketSent(T.Ms(0), Mss);
        cc.OnPacketAcked(T.Ms(10), T.Ms(0), Mss, rtt);
        Assert.Equal(13200, cc.CongestionWindow);
    }

    [Fact]
    public void Cubic_Loss_ReducesTheWindowByBeta07_AndRemembersWMax()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        Assert.Equal(84000, cc.CongestionWindow);
        Assert.Equal(84000, cc.SlowStartThreshold);
        Assert.Equal(120000, cc.WMax);
        Assert.Equal(120000, cc.WindowBeforeReduction);
        Assert.True(cc.InRecovery);

        // A second loss in the same recovery period changes nothing.
        cc.OnCongestionEvent(T.Ms(5), T.Ms(0));
        Assert.Equal(84000, cc.CongestionWindow);
    }

    [Fact]
    public void Cubic_WindowCurve_MatchesTheRfc9438FormulaAtSeveralTimes()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        var rtt = new RttEstimator(T.Span(100));
        cc.OnPacketSent(T.Ms(1), Mss);
        cc.OnPacketAcked(T.Ms(101), T.Ms(1), Mss, rtt); // first acknowledgment in congestion avoidance starts the epoch

        Assert.True(cc.EpochStarted);
        Assert.Equal(T.Ms(101), cc.EpochStart);
        Assert.Equal(84000, cc.WindowAtEpochStart);

        // RFC 9438 §4.2 in segments: K = ∛((W_max − cwnd_epoch) / C) = ∛((100 − 70) / 0.4).
        double k = Math.Cbrt((100.0 - 70.0) / 0.4);
        Assert.Equal(k, cc.K, 9);
        foreach (double t in new[] { 0.0, 0.5, 1.0, 2.0, k, 5.0, 8.0, 12.0 })
        {
            double segments = (0.4 * Math.Pow(t - k, 3)) + 100.0;
            Assert.Equal(segments * Mss, cc.CubicWindow(t), 6);
        }

        Assert.Equal(84000, cc.CubicWindow(0), 6);
        Assert.Equal(120000, cc.CubicWindow(k), 6);
    }

    [Fact]
    public void Cubic_CongestionAvoidance_FollowsTheCubicCurveOverTime()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        var rtt = new RttEstimator(T.Span(100));
        var samples = new List<(double T, long Cwnd, double WEst)>();
        AckClock.Run(cc, rtt, T.Ms(1), T.Ms(9000), T.Span(100), afterAck: now =>
        {
            if (cc.EpochStarted)
            {
                samples.Add(((now - cc.EpochStart).TotalSeconds, cc.CongestionWindow, cc.RenoFriendlyWindow));
            }
        });

        // RFC 9438 §4.2–§4.5: the window follows max(W_cubic(t), W_est) — concave up to K, a plateau
        // at W_max, convex beyond, except where the Reno-friendly estimate is ahead. Within 3 % of W_max.
        int cubicRegion = 0;
        int renoRegion = 0;
        foreach ((double t, long cwnd, double wEst) in samples)
        {
            double expected = Math.Max(cc.CubicWindow(t), wEst);
            Assert.InRange(cwnd - expected, -0.03 * cc.WMax, 0.03 * cc.WMax);
            if (cc.CubicWindow(t) >= wEst)
            {
                cubicRegion++;
            }
            else
            {
                renoRegion++;
            }
        }

        Assert.True(cubicRegion > renoRegion, $"{cubicRegion} samples on the cubic curve, {renoRegion} Reno-friendly");

        long atK = samples.Find(s => s.T >= cc.K).Cwnd;
        Assert.InRange(atK, 117000, 123000);
        Assert.True(samples[^1].Cwnd > 150000, $"convex growth beyond W_max expected, got {samples[^1].Cwnd}");

        // Concave: growth right after the loss is much faster than in the plateau around K.
        double Slope(double from, double to) =>
            (samples.Find(s => s.T >= to).Cwnd - samples.Find(s => s.T >= from).Cwnd) / (to - from);
        Assert.True(Slope(0.2, 1.2) > 2 * Slope(cc.K - 0.5, cc.K + 0.5));
        Assert.True(Slope(8.0, 8.8) > 2 * Slope(cc.K - 0.5, cc.K + 0.5));
    }

    [Fact]
    public void Cubic_RenoFriendlyRegion_FollowsWEst_WhenTheCubicCurveGrowsSlower()
    {
        // With a 1 ms RTT, Reno would add a datagram every millisecond, far faster than the cubic curve.
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        var rtt = new RttEstimator(T.Span(1));
        long atThirtyMs = 0;
        AckClock.Run(cc, rtt, T.Ms(0.001), T.Ms(500), T.Span(1), afterAck: now =>
        {
            if (atThirtyMs == 0 && cc.EpochStarted && now - cc.EpochStart >= T.Span(30))
            {
                atThirtyMs = cc.CongestionWindow;
            }
        });

        double t = (T.Ms(500) - cc.EpochStart).TotalSeconds;
        Assert.True(cc.CubicWindow(t) < cc.RenoFriendlyWindow);
        Assert.Equal((long)Math.Floor(cc.RenoFriendlyWindow), cc.CongestionWindow);

        // α_cubic = 3(1 − 0.7)/(1 + 0.7) ≈ 0.53 datagram per RTT until W_est reaches the window before
        // the loss (after ~57 RTTs), then one datagram per RTT.
        Assert.Equal(3 * 0.3 / 1.7, CubicCongestionController.RenoFriendlyAlpha, 12);
        Assert.InRange(atThirtyMs, 84000 + (28 * 635), 84000 + (32 * 635));
        Assert.InRange(cc.CongestionWindow, 620_000, 680_000);
    }

    [Fact]
    public void Cubic_FastConvergence_LowersWMax_WhenLossComesBeforeRegainingThePreviousMaximum()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        cc.OnCongestionEvent(T.Ms(500), T.Ms(400)); // a new recovery period at 70 datagrams

        // W_max = cwnd · (1 + β) / 2 = 84000 · 0.85.
        Assert.Equal(71400, cc.WMax, 6);
        Assert.Equal(58800, cc.CongestionWindow);

        CubicCongestionController plain = AfterLossAt100Packets(T.Ms(0), fastConvergence: false);
        plain.OnCongestionEvent(T.Ms(500), T.Ms(400));
        Assert.Equal(84000, plain.WMax, 6);
        Assert.Equal(58800, plain.CongestionWindow);
    }

    [Fact]
    public void Cubic_LossAboveThePreviousMaximum_SetsWMaxToTheWindow()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        cc.OnPersistentCongestion(T.Ms(1));
        var rtt = new RttEstimator(T.Span(100));
        cc.OnPacketSent(T.Ms(2), 200_000);
        cc.OnPacketAcked(T.Ms(100), T.Ms(2), 200_000, rtt); // slow start jump to 202400
        cc.OnCongestionEvent(T.Ms(200), T.Ms(150));
        Assert.Equal(202400, cc.WMax, 6);
        Assert.Equal((long)(202400 * 0.7), cc.CongestionWindow);
    }

    [Fact]
    public void Cubic_PersistentCongestion_CollapsesToTheMinimum_ThenRestartsWithZeroK()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        cc.OnPersistentCongestion(T.Ms(10));
        Assert.Equal(2400, cc.CongestionWindow);
        Assert.True(cc.InSlowStart);

        var rtt = new RttEstimator(T.Span(100));
        while (cc.InSlowStart)
        {
            cc.OnPacketSent(T.Ms(20), Mss);
            cc.OnPacketAcked(T.Ms(120), T.Ms(20), Mss, rtt);
        }

        cc.OnPacketSent(T.Ms(130), Mss);
        cc.OnPacketAcked(T.Ms(230), T.Ms(130), Mss, rtt);
        Assert.True(cc.EpochStarted);
        Assert.Equal(0, cc.K);
        Assert.Equal(cc.WindowAtEpochStart, cc.WMax);
    }

    [Fact]
    public void Cubic_LossInSlowStartAfterPersistentCongestion_StartsAnOrdinaryEpoch()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        cc.OnPersistentCongestion(T.Ms(10));
        var rtt = new RttEstimator(T.Span(100));
        while (cc.CongestionWindow < 50 * Mss)
        {
            cc.OnPacketSent(T.Ms(20), Mss);
            cc.OnPacketAcked(T.Ms(120), T.Ms(20), Mss, rtt);
        }

        cc.OnCongestionEvent(T.Ms(130), T.Ms(20));

        // Fast convergence from the previous W_max of 100 datagrams: W_max = 50 · 0.85 datagrams.
        Assert.Equal(51000, cc.WMax, 6);
        cc.OnPacketSent(T.Ms(140), Mss);
        cc.OnPacketAcked(T.Ms(240), T.Ms(140), Mss, rtt);
        Assert.Equal(Math.Cbrt((51000.0 - 42000.0) / (0.4 * Mss)), cc.K, 9);
    }

    [Fact]
    public void Cubic_ApplicationLimited_DoesNotGrow_AndRestartsTheEpoch()
    {
        CubicCongestionController cc = AfterLossAt100Packets(T.Ms(0));
        var rtt = new RttEstimator(T.Span(100));
        cc.OnPacketSent(T.Ms(1), Mss);
        cc.OnPacketAcked(T.Ms(101), T.Ms(1), Mss, rtt);
        Assert.Equal(T.Ms(101), cc.EpochStart);
        long window = cc.CongestionWindow;

        cc.OnPacketSent(T.Ms(200), Mss);
        cc.OnApplicationLimited();
        cc.OnPacketAcked(T.Ms(300), T.Ms(200), Mss, rtt);
        Assert.Equal(window, cc.CongestionWindow);
        Assert.False(cc.EpochStarted);

        // Window-limited again after an idle period: the epoch starts afresh, idle time not counted.
        while (cc.BytesInFlight < cc.CongestionWindow)
        {
            cc.OnPacketSent(T.Ms(5000), Mss);
        }

        cc.OnPacketAcked(T.Ms(5100), T.Ms(5000), Mss, rtt);
        Assert.Equal(T.Ms(5100), cc.EpochStart);
        Assert.InRange(cc.CongestionWindow, window, window + Mss);
    }
}
