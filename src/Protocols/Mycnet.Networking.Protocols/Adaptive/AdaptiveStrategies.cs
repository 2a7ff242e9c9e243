// Design: three pure strategies share one shape. Each first decides which bandwidth class the path behaves like
// (from the nodes' declared classes, the smoothed RTT, or the measured throughput), takes that class's chunk
// range (Ethernet 512 KiB–1 MiB, Wi-Fi 256–512 KiB, cellular 128–256 KiB, constrained 64–128 KiB), moves the
// range inside the profile's chunk bounds, and picks a size in it; then it picks compression among the
// algorithms the profile allows and both nodes support. Missing measurements fall back to the declared classes,
// so a strategy always has an answer. Chunk sizes are multiples of 1 KiB.
using System.IO.Compression;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>The built-in adaptive strategies, by name.</summary>
public static class AdaptiveStrategies
{
    /// <summary>Name of the strategy that decides from declared capabilities (bandwidth class, metered, battery).</summary>
    public const string CapabilityBased = nameof(CapabilityBased);

    /// <summary>Name of the strategy that decides from the smoothed RTT.</summary>
    public const string LatencyBased = nameof(LatencyBased);

    /// <summary>Name of the strategy that decides from the measured throughput.</summary>
    public const string BandwidthBased = nameof(BandwidthBased);

    /// <summary>The built-in strategy of that name.</summary>
    /// <exception cref="ArgumentException">No built-in strategy has that name.</exception>
    public static IAdaptiveStrategy Get(string name) => name switch
    {
        CapabilityBased => CapabilityBasedStrategy.Instance,
        LatencyBased => LatencyBasedStrategy.Instance,
        BandwidthBased => BandwidthBasedStrategy.Instance,
        _ => throw new ArgumentException($"No adaptive strategy is named '{name}'; use {CapabilityBased}, {LatencyBased} or {BandwidthBased}.", nameof(name)),
    };

    /// <summary>The class's chunk range moved inside the profile's bounds.</summary>
    internal static ChunkSizeRange RangeFor(BandwidthClass bandwidthClass, AdaptiveContext context) =>
        BandwidthClassInfo.ChunkRange(bandwidthClass).Within(context.Profile.Chunking.Bounds);

    /// <summary>A point of <paramref name="range"/>: 0 is its low end, 1 its high end; rounded down to 1 KiB and kept in range.</summary>
    internal static int Pick(ChunkSizeRange range, double position)
    {
        double clamped = Math.Clamp(position, 0, 1);
        int size = range.Min + (int)((range.Max - range.Min) * clamped);
        return range.Clamp(size / 1024 * 1024);
    }

    /// <summary>The profile's default compression if both nodes can use it, otherwise the cheapest usable one.</summary>
    internal static (CompressionAlgorithm Algorithm, CompressionLevel Level) ProfileDefault(AdaptiveContext context)
    {
        CompressionAlgorithm preferred = context.Profile.Compression.Algorithm;
        return context.UsableCompression.Supports(preferred)
            ? (preferred, context.Profile.Compression.Level)
            : (context.UsableCompression.Cheapest(), CompressionLevel.Fastest);
    }

    internal static AdaptiveSettings Settings(int chunkSize, CompressionAlgorithm algorithm, CompressionLevel level, AdaptiveContext context) =>
        new(chunkSize, new(algorithm, algorithm == CompressionAlgorithm.None ? CompressionLevel.NoCompression : level, context.Profile.Compression.ThresholdBytes));
}

/// <summary>
/// From declared capabilities: the weaker node's bandwidth class sets the range; metered or battery-constrained
/// nodes get its low end (less data in flight per request, fewer retransmitted bytes), others its high end.
/// Metered nodes get the best-ratio usable algorithm at Optimal level; battery-constrained ones the cheapest at
/// Fastest; others the profile default.
/// </summary>
internal sealed class CapabilityBasedStrategy : IAdaptiveStrategy
{
    public static readonly CapabilityBasedStrategy Instance = new();

    public string Name => AdaptiveStrategies.CapabilityBased;

    public AdaptiveSettings Recommend(AdaptiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        ChunkSizeRange range = AdaptiveStrategies.RangeFor(context.WeakerBandwidthClass, context);
        bool frugal = context.AnyMetered || context.AnyBatteryConstrained;
        int chunk = AdaptiveStrategies.Pick(range, frugal ? 0 : 1);
        CompressionAlgorithm algorithm;
        CompressionLevel level;
        if (context.AnyMetered)
        {
            algorithm = context.UsableCompression.BestRatio();
            level = CompressionLevel.Optimal;
        }
        else if (context.AnyBatteryConstrained)
        {
            algorithm = context.UsableCompression.Cheapest();
            level = CompressionLevel.Fastest;
        }
        else
        {
            (algorithm, level) = AdaptiveStrategies.ProfileDefault(context);
        }

        return AdaptiveStrategies.Settings(chunk, algorithm, level, context);
    }
}

/// <summary>
/// From the smoothed RTT: the RTT band (under 10 / 40 / 150 ms) names the class, and within its range the chunk
/// grows with the RTT (a longer round trip is amortised over more bytes per request). At 40 ms and above,
/// compression is on (best-ratio usable algorithm, Fastest level), since on such paths bytes cost more than CPU;
/// below, the profile default. Without an RTT it falls back to <see cref="CapabilityBasedStrategy"/>.
/// </summary>
internal sealed class LatencyBasedStrategy : IAdaptiveStrategy
{
    public static readonly LatencyBasedStrategy Instance = new();

    public string Name => AdaptiveStrategies.LatencyBased;

    public AdaptiveSettings Recommend(AdaptiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Measurements.HasRoundTripTime)
        {
            return CapabilityBasedStrategy.Instance.Recommend(context);
        }

        TimeSpan rtt = context.Measurements.SmoothedRoundTripTime;
        BandwidthClass bandwidthClass = BandwidthClassInfo.FromRoundTripTime(rtt);
        (double low, double high) = bandwidthClass switch
        {
            BandwidthClass.Ethernet => (0d, 10d),
            BandwidthClass.WiFi => (10d, 40d),
            BandwidthClass.Cellular => (40d, 150d),
            _ => (150d, 600d),
        };
        double position = (rtt.TotalMilliseconds - low) / (high - low);
        int chunk = AdaptiveStrategies.Pick(AdaptiveStrategies.RangeFor(bandwidthClass, context), position);
        (CompressionAlgorithm algorithm, CompressionLevel level) = rtt.TotalMilliseconds >= 40
            ? (context.UsableCompression.BestRatio(), CompressionLevel.Fastest)
            : AdaptiveStrategies.ProfileDefault(context);
        return AdaptiveStrategies.Settings(chunk, algorithm, level, context);
    }
}

/// <summary>
/// From the measured throughput: the throughput band (50 MB/s, 5 MB/s, 500 kB/s) names the class, and the chunk is
/// what the path delivers in 100 ms, kept in the class range and the profile bounds. Below 5 MB/s compression is on
/// (best-ratio usable algorithm; Optimal under 500 kB/s, Fastest above); from 50 MB/s it is off (the compressor
/// would be the bottleneck); between, the profile default. Without a throughput it falls back to
/// <see cref="CapabilityBasedStrategy"/>.
/// </summary>
internal sealed class BandwidthBasedStrategy : IAdaptiveStrategy
{
    public static readonly BandwidthBasedStrategy Instance = new();

    public string Name => AdaptiveStrategies.BandwidthBased;

    public AdaptiveSettings Recommend(AdaptiveContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Measurements.HasThroughput)
        {
            return CapabilityBasedStrategy.Instance.Recommend(context);
        }

        long throughput = context.Measurements.ThroughputBytesPerSecond;
        ChunkSizeRange range = AdaptiveStrategies.RangeFor(BandwidthClassInfo.FromThroughput(throughput), context);
        int chunk = range.Clamp((int)Math.Min(throughput / 10, int.MaxValue) / 1024 * 1024);
        CompressionAlgorithm algorithm;
        CompressionLevel level;
        if (throughput >= 50_000_000)
        {
            algorithm = CompressionAlgorithm.None;
            level = CompressionLevel.NoCompression;
        }
        else if (throughput < 5_000_000)
        {
            algorithm = context.UsableCompression.BestRatio();
            level = throughput < 500_000 ? CompressionLevel.Optimal : CompressionLevel.Fastest;
        }
        else
        {
            (algorithm, level) = AdaptiveStrategies.ProfileDefault(context);
        }

        return AdaptiveStrategies.Settings(chunk, algorithm, level, context);
    }
}
