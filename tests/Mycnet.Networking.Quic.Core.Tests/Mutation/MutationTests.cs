using System.Diagnostics;
using Xunit.Abstractions;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// The engine core under mutated input (issue 2): datagrams mutated from recorded handshakes and
/// transfers, raw and authenticated, fed to client and server connections.
/// </summary>
[Collection(MutationCollection.Name)]
public sealed class MutationTests(ITestOutputHelper output)
{
    /// <summary>The managed heap may grow this much over a whole campaign (it must not grow with the number of mutants).</summary>
    private const long HeapGrowthBound = 64L * 1024 * 1024;

    /// <summary>With no new datagram or mutant for this long (wall clock), the engine is taken to hang.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Mutation_HundredThousandMutatedDatagrams_NoExceptionBoundedMemoryAndOnlyProtocolErrors()
    {
        long iterations = MutationSettings.Iterations;
        var campaign = new MutationCampaign(MutationSettings.Seed, iterations);
        MutationStats stats = RunWithWatchdog(campaign, MutationSettings.OnlyRun);
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

        // Most authenticated mutants reach the frame parsers, at every level, on both sides.
        Assert.True(stats.ReachedFrames * 2 >= stats.Authenticated, report);
        foreach (string bucket in new[] { "Initial (to server)", "Handshake (to client)", "Handshake (to server)", "OneRtt (to client)", "OneRtt (to server)" })
        {
            Assert.True(stats.ReachedByLevel.GetValueOrDefault(bucket) > 0, $"no authenticated mutant reached frames at {bucket}\n{report}");
        }

        Assert.True(stats.Count(MutantOutcome.ClosedWithError) > 0 && stats.Count(MutantOutcome.Processed) > 0, report);
        Assert.True(stats.MaxHeapBytes - stats.BaselineHeapBytes <= HeapGrowthBound, report);
        Assert.True(stats.MaxAllocatedBytesPerMutant <= MutationCampaign.MaxAllocationPerMutant, report);
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
        Assert.True(stats.RecordedDatagrams >= 12 * 10, stats.Format());
        Assert.Equal(stats.RecordedDatagrams, stats.Steps);
    }

    /// <summary>Runs the campaign on a background thread and fails, naming the datagram, if it stops making progress (a hang in the engine).</summary>
    private static MutationStats RunWithWatchdog(MutationCampaign campaign, int? onlyRun)
    {
        MutationStats? stats = null;
        Exception? error = null;
        var worker = new Thread(() =>
        {
            try
            {
                stats = campaign.Run(onlyRun);
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = "mutation campaign",
        };
        worker.Start();
        long progress = -1;
        var sinceProgress = Stopwatch.StartNew();
        while (!worker.Join(TimeSpan.FromSeconds(1)))
        {
            long now = campaign.Progress;
            if (now != progress)
            {
                progress = now;
                sinceProgress.Restart();
            }
            else if (sinceProgress.Elapsed > StallLimit)
            {
                Assert.Fail($"The campaign made no progress for {StallLimit.TotalSeconds} s; the engine hangs on: {campaign.Activity}");
            }
        }

        if (error is not null)
        {
            throw new Xunit.Sdk.XunitException($"The campaign itself failed: {error}");
        }

        return stats!;
    }
}

/// <summary>
/// The mutation campaign measures managed-heap growth, so it runs alone: tests in parallel
/// collections would allocate into the same heap and make the bound meaningless.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MutationCollection
{
    public const string Name = "Mutation (runs alone)";
}
