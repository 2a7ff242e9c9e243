using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class RttEstimatorTests
{
    private static readonly TimeSpan MaxAckDelay = TimeSpan.FromMilliseconds(25);

    private static TimeSpan Ms(double ms) => TimeSpan.FromTicks((long)(ms * TimeSpan.TicksPerMillisecond));

    [Fact]
    public void BeforeAnySample_UsesInitialRtt333ms_AndPtoIsAboutOneSecond()
    {
        var rtt = new RttEstimator();
        Assert.False(rtt.HasSample);
        Assert.Equal(Ms(333), rtt.SmoothedRtt);
        Assert.Equal(Ms(166.5), rtt.RttVariation);
        Assert.Equal(TimeSpan.Zero, rtt.MinRtt);

        // RFC 9002 §6.2.2: 333 ms + 4 * 166.5 ms = 999 ms.
        Assert.Equal(Ms(999), rtt.GetProbeTimeout(PacketNumberSpace.Initial, MaxAckDelay, 0));
    }

    [Fact]
    public void InitialRtt_IsConfigurable()
    {
        var rtt = new RttEstimator(Ms(100));
        Assert.Equal(Ms(100), rtt.SmoothedRtt);
        Assert.Equal(Ms(50), rtt.RttVariation);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RttEstimator(TimeSpan.Zero));
    }

    [Fact]
    public void FirstSample_ResetsEstimator_AndIgnoresAckDelay()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), Ms(50), MaxAckDelay, handshakeConfirmed: true, Instant.FromTimeSpan(Ms(500)));

        Assert.True(rtt.HasSample);
        Assert.Equal(Instant.FromTimeSpan(Ms(500)), rtt.FirstSampleTime);
        Assert.Equal(Ms(100), rtt.LatestRtt);
        Assert.Equal(Ms(100), rtt.MinRtt);
        Assert.Equal(Ms(100), rtt.SmoothedRtt);
        Assert.Equal(Ms(50), rtt.RttVariation);
    }

    [Fact]
    public void SubsequentSample_SubtractsAckDelay_AndSmoothsWithOneEighthAndOneQuarter()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        rtt.AddSample(Ms(120), Ms(10), MaxAckDelay, true, Instant.Zero);

        // adjusted = 110; rttvar = 3/4*50 + 1/4*|100-110| = 40; srtt = 7/8*100 + 1/8*110 = 101.25.
        Assert.Equal(Ms(40), rtt.RttVariation);
        Assert.Equal(Ms(101.25), rtt.SmoothedRtt);
        Assert.Equal(Ms(100), rtt.MinRtt);
        Assert.Equal(Ms(120), rtt.LatestRtt);
    }

    [Fact]
    public void AckDelay_IsClampedToMaxAckDelay_OnlyAfterHandshakeConfirmed()
    {
        var confirmed = new RttEstimator();
        confirmed.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        confirmed.AddSample(Ms(200), Ms(80), MaxAckDelay, true, Instant.Zero);

        var unconfirmed = new RttEstimator();
        unconfirmed.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, false, Instant.Zero);
        unconfirmed.AddSample(Ms(200), Ms(80), MaxAckDelay, false, Instant.Zero);

        // Confirmed: adjusted = 200 - 25 = 175 → srtt = 87.5 + 21.875.
        Assert.Equal(Ms(109.375), confirmed.SmoothedRtt);

        // Not confirmed: the full 80 ms is subtracted → adjusted = 120 → srtt = 87.5 + 15.
        Assert.Equal(Ms(102.5), unconfirmed.SmoothedRtt);
    }

    [Fact]
    public void AckDelay_IsNotSubtracted_WhenTheResultWouldFallBelowMinRtt()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        rtt.AddSample(Ms(110), Ms(20), MaxAckDelay, true, Instant.Zero);

        // 110 < 100 + 20: adjusted stays 110 → srtt = 87.5 + 13.75.
        Assert.Equal(Ms(101.25), rtt.SmoothedRtt);
    }

    [Fact]
    public void MinRtt_IgnoresAckDelay_AndTakesTheLowestSample()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        rtt.AddSample(Ms(90), Ms(50), MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(90), rtt.MinRtt);
        rtt.AddSample(Ms(300), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(90), rtt.MinRtt);
    }

    [Fact]
    public void ProbeTimeout_AddsMaxAckDelayOnlyForApplicationSpace_AndDoublesPerBackoff()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);

        // srtt 100 + 4 * 50 = 300 ms.
        Assert.Equal(Ms(300), rtt.PtoBase);
        Assert.Equal(Ms(300), rtt.GetProbeTimeout(PacketNumberSpace.Initial, MaxAckDelay, 0));
        Assert.Equal(Ms(300), rtt.GetProbeTimeout(PacketNumberSpace.Handshake, MaxAckDelay, 0));
        Assert.Equal(Ms(325), rtt.GetProbeTimeout(PacketNumberSpace.ApplicationData, MaxAckDelay, 0));
        Assert.Equal(Ms(650), rtt.GetProbeTimeout(PacketNumberSpace.ApplicationData, MaxAckDelay, 1));
        Assert.Equal(Ms(2400), rtt.GetProbeTimeout(PacketNumberSpace.Handshake, MaxAckDelay, 3));
    }

    [Fact]
    public void ProbeTimeout_IsAtLeastGranularity_AndBackoffSaturates()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(TimeSpan.Zero, TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);

        // srtt 0, rttvar 0: max(4 * rttvar, kGranularity) keeps the PTO at 1 ms.
        Assert.Equal(Ms(1), rtt.GetProbeTimeout(PacketNumberSpace.Initial, MaxAckDelay, 0));
        Assert.Equal(TimeSpan.MaxValue, RttEstimator.Backoff(TimeSpan.FromDays(1000), 1000));
        Assert.Equal(Ms(1) * (1 << RttEstimator.MaxPtoBackoffExponent), RttEstimator.Backoff(Ms(1), 1000));
    }

    [Fact]
    public void LossDelay_IsNineEighthsOfTheLargerOfSmoothedAndLatest_AtLeastGranularity()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(80), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(90), rtt.LossDelay);
        rtt.AddSample(Ms(160), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);

        // srtt = 70 + 20 = 90, latest 160 → 9/8 * 160 = 180.
        Assert.Equal(Ms(180), rtt.LossDelay);

        var tiny = new RttEstimator();
        tiny.AddSample(TimeSpan.FromTicks(10), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        Assert.Equal(RttEstimator.Granularity, tiny.LossDelay);
    }

    [Fact]
    public void PersistentCongestionDuration_IsThreePtosIncludingMaxAckDelay()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(100), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(3 * 325), rtt.GetPersistentCongestionDuration(MaxAckDelay));
    }

    [Fact]
    public void PersistentCongestion_RestartsMinRttFromLatestSample()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(50), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        rtt.AddSample(Ms(200), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(50), rtt.MinRtt);
        rtt.OnPersistentCongestion();
        Assert.Equal(Ms(200), rtt.MinRtt);
    }

    [Fact]
    public void Reset_ForgetsSamples_ForANewPath()
    {
        var rtt = new RttEstimator();
        rtt.AddSample(Ms(50), TimeSpan.Zero, MaxAckDelay, true, Instant.Zero);
        rtt.Reset(Ms(200));
        Assert.False(rtt.HasSample);
        Assert.Equal(Ms(200), rtt.SmoothedRtt);
        Assert.Equal(Ms(100), rtt.RttVariation);
        Assert.Equal(TimeSpan.Zero, rtt.LatestRtt);

        rtt.AddSample(Ms(70), Ms(20), MaxAckDelay, true, Instant.Zero);
        Assert.Equal(Ms(70), rtt.SmoothedRtt);
    }
}
