using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

public sealed class ScoringTests
{
    private static ProbeStatistics Rounds(int windowRounds, params BackhaulProbeResult[][] rounds)
    {
        var statistics = new ProbeStatistics(windowRounds);
        foreach (BackhaulProbeResult[] round in rounds)
        {
            statistics.RecordRound(round);
        }

        return statistics;
    }

    private static BackhaulProbeResult Ok(double ms) => BackhaulProbeResult.Success(TimeSpan.FromMilliseconds(ms));

    private static BackhaulProbeResult Lost => BackhaulProbeResult.Failure("lost");

    [Fact]
    public void Score_PerfectLinkScoresHundred_AndLowerRttScoresHigher()
    {
        var scorer = new BackhaulScorer(new BackhaulScoringOptions { PriorityOrder = [] });
        ProbeStatistics fast = Rounds(10, [Ok(0)], [Ok(0)]);
        ProbeStatistics slow = Rounds(10, [Ok(500)], [Ok(500)]);

        Assert.Equal(100, scorer.Quality(fast), precision: 6);
        // Latency component 0.5 of three equal weights: 100 * (0.5 + 1 + 1) / 3.
        Assert.Equal(100 * 2.5 / 3, scorer.Quality(slow), precision: 6);
    }

    [Fact]
    public void Score_RttAndLossCapsZeroTheirComponents()
    {
        var scorer = new BackhaulScorer(new BackhaulScoringOptions { PriorityOrder = [], MaxRtt = TimeSpan.FromMilliseconds(200), MaxLoss = 0.25 });
        // RTT beyond the cap: the latency component is 0, not negative.
        ProbeStatistics overRtt = Rounds(10, [Ok(900)]);
        Assert.Equal(100 * 2.0 / 3, scorer.Quality(overRtt), precision: 6);

        // Half of the attempts lost, cap 25%: the loss component is 0; three of four rounds answered.
        ProbeStatistics lossy = Rounds(10, [Ok(0), Lost], [Ok(0), Lost], [Ok(0), Lost], [Lost, Lost]);
        Assert.Equal(5.0 / 8, lossy.Loss, precision: 6);
        Assert.Equal(0.75, lossy.SuccessRatio, precision: 6);
        Assert.Equal(100 * (1 + 0 + 0.75) / 3, scorer.Quality(lossy), precision: 6);
    }

    [Fact]
    public void Score_WeightsShiftTheBalance()
    {
        ProbeStatistics slowButClean = Rounds(10, [Ok(800)], [Ok(800)]);
        ProbeStatistics fastButLossy = Rounds(10, [Ok(10), Lost], [Ok(10), Lost]);
        var latencyOnly = new BackhaulScorer(new BackhaulScoringOptions { PriorityOrder = [], LatencyWeight = 1, LossWeight = 0, SuccessWeight = 0 });
        var lossOnly = new BackhaulScorer(new BackhaulScoringOptions { PriorityOrder = [], LatencyWeight = 0, LossWeight = 1, SuccessWeight = 0 });

        Assert.True(latencyOnly.Quality(fastButLossy) > latencyOnly.Quality(slowButClean));
        Assert.True(lossOnly.Quality(slowButClean) > lossOnly.Quality(fastButLossy));
    }

    [Fact]
    public void Score_PriorityBiasFollowsConfiguredOrder_NameEntryBeatsKindEntry()
    {
        var scorer = new BackhaulScorer(new BackhaulScoringOptions { PriorityOrder = ["wwan0", "Ethernet", "WiFi"], PriorityBias = 10 });

        Assert.Equal(30, scorer.Bias("wwan0", BackhaulInterfaceKind.Cellular));
        Assert.Equal(20, scorer.Bias("eth0", BackhaulInterfaceKind.Ethernet));
        Assert.Equal(10, scorer.Bias("wlan0", BackhaulInterfaceKind.WiFi));
        Assert.Equal(0, scorer.Bias("bnep0", BackhaulInterfaceKind.BluetoothPan));
        Assert.Equal(0, scorer.PriorityRank("wwan0", BackhaulInterfaceKind.Cellular));
        Assert.Equal(int.MaxValue, scorer.PriorityRank("bnep0", BackhaulInterfaceKind.BluetoothPan));
    }

    [Fact]
    public void Score_WithoutSamplesIsOnlyTheBias()
    {
        var scorer = new BackhaulScorer(new BackhaulScoringOptions());
        var empty = new ProbeStatistics(10);

        Assert.Equal(0, scorer.Quality(empty));
        Assert.Equal(scorer.Bias("eth0", BackhaulInterfaceKind.Ethernet), scorer.Score(empty, "eth0", BackhaulInterfaceKind.Ethernet));
    }

    [Fact]
    public void Statistics_LossIsOverTheWindow_OldRoundsAgeOut()
    {
        var statistics = new ProbeStatistics(windowRounds: 4);
        statistics.RecordRound([Lost]);
        statistics.RecordRound([Ok(10)]);
        statistics.RecordRound([Ok(10)]);
        statistics.RecordRound([Ok(10)]);
        Assert.Equal(0.25, statistics.Loss, precision: 6);

        statistics.RecordRound([Ok(10)]); // pushes the lost round out of the window
        Assert.Equal(0, statistics.Loss);
        Assert.Equal(1, statistics.SuccessRatio);
        Assert.Equal(4, statistics.RoundCount);
        Assert.Equal(5, statistics.TotalRounds);
    }

    [Fact]
    public void Statistics_RoundFailsOnlyWhenEveryAttemptFails_AndCountersTrackRuns()
    {
        var statistics = new ProbeStatistics(10);
        statistics.RecordRound([Lost, Ok(5)]);
        Assert.True(statistics.LastRoundSucceeded);
        Assert.Equal(1, statistics.ConsecutiveSuccessfulRounds);

        statistics.RecordRound([Lost, Lost]);
        statistics.RecordRound([]); // no applicable target counts as a failed round
        Assert.False(statistics.LastRoundSucceeded);
        Assert.Equal(2, statistics.ConsecutiveFailedRounds);
        Assert.Equal(0, statistics.ConsecutiveSuccessfulRounds);
        Assert.Equal(4.0 / 5, statistics.Loss, precision: 6);

        statistics.Reset();
        Assert.Equal(0, statistics.RoundCount);
        Assert.Null(statistics.SmoothedRtt);
        Assert.Equal(0, statistics.ConsecutiveFailedRounds);
    }

    [Fact]
    public void Statistics_SmoothedRttFollowsRfc6298_AndJitterRfc3550()
    {
        var statistics = new ProbeStatistics(10);
        statistics.RecordRound([Ok(100)]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), statistics.SmoothedRtt);
        Assert.Equal(TimeSpan.Zero, statistics.Jitter);

        statistics.RecordRound([Ok(180)]);
        // srtt = 7/8 * 100 + 1/8 * 180 = 110 ms; J = 0 + (80 - 0) / 16 = 5 ms.
        Assert.Equal(110, statistics.SmoothedRtt!.Value.TotalMilliseconds, precision: 3);
        Assert.Equal(5, statistics.Jitter.TotalMilliseconds, precision: 3);

        statistics.RecordRound([Ok(180)]);
        // D = 0: J = 5 + (0 - 5) / 16.
        Assert.Equal(5 - (5.0 / 16), statistics.Jitter.TotalMilliseconds, precision: 3);
    }
}
