using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class PacerTests
{
    private const int Mss = 1200;
    private const long Window = 120_000;
    private static readonly TimeSpan Srtt = TimeSpan.FromMilliseconds(100);

    [Fact]
    public void Rate_IsGainTimesWindowOverSmoothedRtt()
    {
        var pacer = new Pacer(Mss);
        Assert.Equal(1.25 * Window / 0.1, pacer.GetRate(Window, Srtt), 6);
        Assert.Equal(2.0 * Window / 0.1, new Pacer(Mss, gain: 2.0).GetRate(Window, Srtt), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pacer(Mss, gain: 0.9));
    }

    [Fact]
    public void BurstAllowance_LetsTenPacketsGoAtOnce_ThenSpacesThemAtTheRate()
    {
        var pacer = new Pacer(Mss);
        Instant now = T.Ms(1000);
        for (int i = 0; i < 10; i++)
        {
            Assert.True(pacer.CanSend(now, Mss, Window, Srtt));
            pacer.OnPacketSent(now, Mss, Window, Srtt);
        }

        Assert.False(pacer.CanSend(now, Mss, Window, Srtt));

        // interval = srtt * size / cwnd / N = 100 ms * 1200 / 120000 / 1.25 = 0.8 ms.
        Instant next = pacer.GetNextSendTime(now, Mss, Window, Srtt);
        Assert.Equal(now + T.Span(0.8), next);

        var sendTimes = new List<Instant>();
        for (int i = 0; i < 50; i++)
        {
            next = pacer.GetNextSendTime(now, Mss, Window, Srtt);
            now = next;
            Assert.True(pacer.CanSend(now, Mss, Window, Srtt));
            pacer.OnPacketSent(now, Mss, Window, Srtt);
            sendTimes.Add(now);
        }

        for (int i = 1; i < sendTimes.Count; i++)
        {
            Assert.Equal(T.Span(0.8), sendTimes[i] - sendTimes[i - 1]);
        }
    }

    [Fact]
    public void IdleTime_RefillsTheBucketOnlyUpToTheBurstAllowance()
    {
        var pacer = new Pacer(Mss, burstPackets: 4);
        Instant now = T.Ms(0);
        for (int i = 0; i < 4; i++)
        {
            pacer.OnPacketSent(now, Mss, Window, Srtt);
        }

        now = T.Ms(10_000);
        int sent = 0;
        while (pacer.CanSend(now, Mss, Window, Srtt))
        {
            pacer.OnPacketSent(now, Mss, Window, Srtt);
            sent++;
        }

        Assert.Equal(4, sent);
        Assert.Equal(4 * Mss, pacer.BurstBytes);
    }

    [Fact]
    public void PacingInterval_FollowsTheWindowAndRttPassedIn()
    {
        var pacer = new Pacer(Mss, burstPackets: 1);
        pacer.OnPacketSent(T.Ms(0), Mss, Window, Srtt);

        // Half the window: twice the interval. Double the RTT: twice again.
        Assert.Equal(T.Ms(1.6), pacer.GetNextSendTime(T.Ms(0), Mss, Window / 2, Srtt));
        Assert.Equal(T.Ms(3.2), pacer.GetNextSendTime(T.Ms(0), Mss, Window / 2, Srtt * 2));
    }

    [Fact]
    public void UnpacedProbe_DrivesTheBucketNegative_AndDelaysTheFollowingPackets()
    {
        var pacer = new Pacer(Mss, burstPackets: 1);
        pacer.OnPacketSent(T.Ms(0), Mss, Window, Srtt);
        pacer.OnPacketSent(T.Ms(0), Mss, Window, Srtt); // a PTO probe, sent regardless
        Assert.Equal(T.Ms(1.6), pacer.GetNextSendTime(T.Ms(0), Mss, Window, Srtt));
    }

    [Fact]
    public void WithoutAWindowOrRtt_ThePacerDoesNotDelay()
    {
        var pacer = new Pacer(Mss, burstPackets: 1);
        pacer.OnPacketSent(T.Ms(0), Mss, Window, TimeSpan.Zero);
        pacer.OnPacketSent(T.Ms(0), Mss, Window, TimeSpan.Zero);
        Assert.Equal(T.Ms(0), pacer.GetNextSendTime(T.Ms(0), Mss, Window, TimeSpan.Zero));
        Assert.True(double.IsPositiveInfinity(pacer.GetRate(0, Srtt)));
    }
}
