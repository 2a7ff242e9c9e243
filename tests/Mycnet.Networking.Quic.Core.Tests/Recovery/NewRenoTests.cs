using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class NewRenoTests
{
    private const int Mss = 1200;

    [Theory]
    [InlineData(1200, 12000)]
    [InlineData(1472, 14720)]
    [InlineData(1500, 14720)]
    [InlineData(9000, 18000)]
    public void InitialWindow_IsTenDatagramsCappedAt14720OrTwoDatagrams(int mds, long expected)
    {
        var cc = new NewRenoCongestionController(mds);
        Assert.Equal(expected, cc.CongestionWindow);
        Assert.Equal(2L * mds, cc.MinimumWindow);
        Assert.Equal(long.MaxValue, cc.SlowStartThreshold);
        Assert.Equal("newreno", cc.Name);
    }

    [Fact]
    public void SlowStart_GrowsByTheBytesAcknowledged()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        for (int i = 0; i < 10; i++)
        {
            cc.OnPacketSent(T.Ms(0), Mss);
        }

        for (int i = 0; i < 10; i++)
        {
            cc.OnPacketAcked(T.Ms(100), T.Ms(0), Mss, rtt);
        }

        Assert.Equal(24000, cc.CongestionWindow);
        Assert.Equal(0, cc.BytesInFlight);
    }

    [Fact]
    public void CongestionEvent_HalvesTheWindowOncePerRecoveryPeriod()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        cc.OnCongestionEvent(T.Ms(100), T.Ms(50));
        Assert.Equal(6000, cc.CongestionWindow);
        Assert.Equal(6000, cc.SlowStartThreshold);
        Assert.True(cc.InRecovery);

        // More losses of packets sent before the recovery started: no further reduction.
        cc.OnCongestionEvent(T.Ms(110), T.Ms(90));
        cc.OnCongestionEvent(T.Ms(120), T.Ms(100));
        Assert.Equal(6000, cc.CongestionWindow);
        Assert.Equal(1, cc.CongestionEvents);

        // Acknowledgments of packets sent before the recovery started do not grow the window.
        cc.OnPacketSent(T.Ms(90), Mss);
        cc.OnPacketAcked(T.Ms(130), T.Ms(90), Mss, rtt);
        Assert.Equal(6000, cc.CongestionWindow);
        Assert.True(cc.InRecovery);

        // A packet sent after the start is acknowledged: recovery ends (RFC 9002 §7.3.2).
        cc.OnPacketSent(T.Ms(101), Mss);
        cc.OnPacketAcked(T.Ms(200), T.Ms(101), Mss, rtt);
        Assert.False(cc.InRecovery);

        // A loss of a packet sent after the recovery start is a new event.
        cc.OnCongestionEvent(T.Ms(210), T.Ms(150));
        Assert.Equal(3000, cc.CongestionWindow);
        Assert.Equal(2, cc.CongestionEvents);
    }

    [Fact]
    public void CongestionEvent_NeverReducesBelowTheMinimumWindow()
    {
        var cc = new NewRenoCongestionController();
        for (int i = 0; i < 10; i++)
        {
            cc.OnCongestionEvent(T.Ms(100 * (i + 1)), T.Ms((100 * (i + 1)) - 1));
        }

        Assert.Equal(2400, cc.CongestionWindow);
    }

    [Fact]
    public void CongestionAvoidance_GrowsAboutOneDatagramPerRoundTrip()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator(T.Span(100));
        cc.OnCongestionEvent(T.Ms(0), T.Ms(0));
        long start = cc.CongestionWindow;
        Assert.Equal(6000, start);

        AckClock.Run(cc, rtt, T.Ms(1), T.Ms(1 + (20 * 100)), T.Span(100));

        // 20 round trips, each acknowledging a full window: 20 datagrams of growth, ±1 for round alignment.
        long growth = cc.CongestionWindow - start;
        Assert.InRange(growth, 19 * Mss, 21 * Mss);
        Assert.Equal(0, growth % Mss);
    }

    [Fact]
    public void CongestionAvoidance_AddsExactlyOneDatagramPerWindowOfAcknowledgedBytes()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        cc.OnCongestionEvent(T.Ms(0), T.Ms(0));
        for (int i = 0; i < 5; i++)
        {
            cc.OnPacketSent(T.Ms(1), Mss);
        }

        for (int i = 0; i < 4; i++)
        {
            cc.OnPacketAcked(T.Ms(2), T.Ms(1), Mss, rtt);
            Assert.Equal(6000, cc.CongestionWindow);
        }

        cc.OnPacketAcked(T.Ms(2), T.Ms(1), Mss, rtt);
        Assert.Equal(7200, cc.CongestionWindow);
    }

    [Fact]
    public void PersistentCongestion_CollapsesToTheMinimumWindow_AndReentersSlowStart()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        cc.OnCongestionEvent(T.Ms(100), T.Ms(99));
        cc.OnPersistentCongestion(T.Ms(100));
        Assert.Equal(2400, cc.CongestionWindow);
        Assert.False(cc.InRecovery);
        Assert.True(cc.InSlowStart);

        cc.OnPacketSent(T.Ms(110), Mss);
        cc.OnPacketAcked(T.Ms(150), T.Ms(110), Mss, rtt);
        Assert.Equal(3600, cc.CongestionWindow);
    }

    [Fact]
    public void ApplicationLimited_SuspendsGrowth_UntilTheWindowIsFilledAgain()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        cc.OnPacketSent(T.Ms(0), Mss);
        cc.OnApplicationLimited();
        Assert.True(cc.IsApplicationLimited);
        cc.OnPacketAcked(T.Ms(50), T.Ms(0), Mss, rtt);
        Assert.Equal(12000, cc.CongestionWindow);

        for (int i = 0; i < 10; i++)
        {
            cc.OnPacketSent(T.Ms(60), Mss);
        }

        Assert.False(cc.IsApplicationLimited);
        cc.OnPacketAcked(T.Ms(110), T.Ms(60), Mss, rtt);
        Assert.Equal(13200, cc.CongestionWindow);
    }

    [Fact]
    public void MaxDatagramSize_RecomputesTheInitialWindow_BeforeAnyFeedback()
    {
        var cc = new NewRenoCongestionController(1500);
        Assert.Equal(14720, cc.CongestionWindow);
        cc.SetMaxDatagramSize(1200);
        Assert.Equal(12000, cc.CongestionWindow);

        cc.OnCongestionEvent(T.Ms(1), T.Ms(1));
        cc.SetMaxDatagramSize(9000);
        Assert.Equal(18000, cc.CongestionWindow); // raised to the new minimum window
        Assert.Throws<ArgumentOutOfRangeException>(() => cc.SetMaxDatagramSize(1000));
    }

    [Fact]
    public void BytesInFlight_IsAccounted_AndAvailableWindowFollows()
    {
        var cc = new NewRenoCongestionController();
        cc.OnPacketSent(T.Ms(0), 5000);
        Assert.Equal(7000, cc.AvailableWindow);
        cc.RemoveFromBytesInFlight(2000);
        Assert.Equal(3000, cc.BytesInFlight);
        cc.OnPacketSent(T.Ms(0), 20000);
        Assert.Equal(0, cc.AvailableWindow);
        Assert.Throws<InvalidOperationException>(() => cc.RemoveFromBytesInFlight(30000));
    }
}

/// <summary>
/// Drives a controller with a saturating sender over a path of fixed RTT and no loss: each
/// acknowledgment arrives one RTT after its packet was sent, and the sender refills the window.
/// </summary>
internal static class AckClock
{
    public static void Run(ICongestionController cc, RttEstimator rtt, Instant start, Instant end, TimeSpan pathRtt, int mss = 1200, Action<Instant>? afterAck = null)
    {
        var inFlight = new Queue<Instant>();
        Instant now = start;
        while (cc.BytesInFlight + mss <= cc.CongestionWindow)
        {
            cc.OnPacketSent(now, mss);
            inFlight.Enqueue(now);
        }

        while (inFlight.Count > 0)
        {
            Instant sent = inFlight.Dequeue();
            now = sent + pathRtt;
            if (now > end)
            {
                break;
            }

            cc.OnPacketAcked(now, sent, mss, rtt);
            afterAck?.Invoke(now);
            while (cc.BytesInFlight + mss <= cc.CongestionWindow)
            {
                cc.OnPacketSent(now, mss);
                inFlight.Enqueue(now);
            }
        }
    }
}
