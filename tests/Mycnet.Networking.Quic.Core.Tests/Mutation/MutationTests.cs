using Xunit.Abstractions;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// The engine core under mutated input (issue 2): datagrams mutated from recorded handshakes and
/// transfers, raw and authenticated, fed to client and server connections.
/// </summary>
public sealed class MutationTests(ITestOutputHelper output)
{
    /// <summary>The managed heap may grow this much over a whole campaign (it must not grow with the number of mutants).</summary>
    private const long HeapGrowthBound = 64L * 1024 * 1024;

    [Fact]
    public void Mutation_HundredThousandMutatedDatagrams_NoExceptionBoundedMemoryAndOnlyProtocolErrors()
    {
        long iterations = MutationSettings.Iterations;
        var campaign = new MutationCampaign(MutationSettings.Seed, iterations);
        MutationStats stats = campaign.Run(MutationSettings.OnlyRun);
        string report = stats.Format();
        output.WriteLine(MutationBytes.Format($"seed {MutationSettings.Seed}, iterations {iterations}"));
        output.WriteLine(report);

        Assert.True(stats.FailureCount == 0, report);
        if (MutationSettings.OnlyRun is not null)
        {
            return;
        }

        Assert.True(stats.Mutants >= iterations, report);
        Assert.Equal(stats.CleanRuns, stats.CleanRunsCompleted);

        // A good share of the authenticated mutants must reach the frame parsers, and both sides must see some.
        Assert.True(stats.ReachedFrames * 2 >= stats.Authenticated, report);
        Assert.True(stats.Count(MutantOutcome.ClosedWithError) > 0 && stats.Count(MutantOutcome.Processed) > 0, report);
        Assert.True(stats.MaxHeapBytes - stats.BaselineHeapBytes <= HeapGrowthBound, report);
    }

    [Fact]
    public void Mutation_WithoutMutants_EveryPacketReopensAndResealsByteForByte_AndTheExchangeCompletes()
    {
        var campaign = new MutationCampaign(MutationSettings.Seed, iterations: 0, new MutationProfile { RawPerStep = 0, AuthenticatedPerStep = 0, FreshServerMutantsPerRun = 0 });
        for (int run = 0; run < 12; run++)
        {
            campaign.Run(onlyRun: run);
        }

        MutationStats stats = campaign.Stats;
        output.WriteLine(stats.Format());
        Assert.True(stats.FailureCount == 0, stats.Format());
        Assert.Equal(0, stats.Mutants);
        Assert.Equal(12, stats.CleanRuns);
        Assert.Equal(12, stats.CleanRunsCompleted);
        Assert.True(stats.ResealChecks >= 12 * 10, stats.Format());
    }
}
