using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Mycnet.Networking.Benchmarks;

/// <summary>
/// <c>--quick</c>: a short job for runs by hand on a shared machine (no CI): in-process (no
/// per-benchmark project to generate and build), one launch, 3 warm-up and 5 measured iterations
/// of 250 ms. The numbers are rougher than the default job's; the allocation column is as exact.
/// </summary>
internal static class QuickConfig
{
    public const string Switch = "--quick";

    public static IConfig Create() => DefaultConfig.Instance.AddJob(
        Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Quick"));
}
