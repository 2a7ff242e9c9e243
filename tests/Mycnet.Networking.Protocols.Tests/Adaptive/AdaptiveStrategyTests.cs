using System.IO.Compression;
using FsCheck;
using FsCheck.Fluent;
using Mycnet.Networking.Protocols.Adaptive;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Adaptive;

public class AdaptiveStrategyTests
{
    private const int KiB = 1024;

    private static AdaptiveContext Context(ProtocolProfile profile, NodeCapabilities? peer = null, PathMeasurements measurements = default, NodeCapabilities? local = null) =>
        new(profile, local ?? NodeCapabilities.Default with { BandwidthClass = BandwidthClass.Ethernet }, peer ?? NodeCapabilities.Default with { BandwidthClass = BandwidthClass.Ethernet }, measurements);

    [Fact]
    public void Adaptive_Strategies_AreFoundByName()
    {
        Assert.Equal(AdaptiveStrategies.CapabilityBased, AdaptiveStrategies.Get("CapabilityBased").Name);
        Assert.Equal(AdaptiveStrategies.LatencyBased, AdaptiveStrategies.Get("LatencyBased").Name);
        Assert.Equal(AdaptiveStrategies.BandwidthBased, AdaptiveStrategies.Get("BandwidthBased").Name);
        Assert.Throws<ArgumentException>(() => AdaptiveStrategies.Get("Random"));
    }

    [Theory]
    [InlineData(BandwidthClass.Ethernet, 1024)]
    [InlineData(BandwidthClass.WiFi, 512)]
    [InlineData(BandwidthClass.Cellular, 256)]
    [InlineData(BandwidthClass.Constrained, 128)]
    public void Adaptive_CapabilityBased_UsesTheTopOfTheWeakerClassRange(BandwidthClass peerClass, int expectedKiB)
    {
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.CapabilityBased)
            .Recommend(Context(ProtocolProfiles.Adaptive, NodeCapabilities.Default with { BandwidthClass = peerClass }));
        Assert.Equal(expectedKiB * KiB, settings.ChunkSize);
        Assert.Equal(CompressionAlgorithm.Deflate, settings.Compression.Algorithm); // the Adaptive profile's default
    }

    [Fact]
    public void Adaptive_CapabilityBased_MeteredHyphaeGetsSmallChunksAndBestRatioCompression()
    {
        NodeCapabilities phone = NodeCapabilities.Default with { BandwidthClass = BandwidthClass.Cellular, IsMetered = true };
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.CapabilityBased).Recommend(Context(ProtocolProfiles.Adaptive, phone));
        Assert.Equal(128 * KiB, settings.ChunkSize);
        Assert.Equal(CompressionAlgorithm.Brotli, settings.Compression.Algorithm);
        Assert.Equal(CompressionLevel.Optimal, settings.Compression.Level);
    }

    [Fact]
    public void Adaptive_CapabilityBased_BatteryConstrainedPeerGetsCheapCompression()
    {
        NodeCapabilities sensor = NodeCapabilities.Default with { BandwidthClass = BandwidthClass.WiFi, IsBatteryConstrained = true };
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.CapabilityBased).Recommend(Context(ProtocolProfiles.Lightweight, sensor));
        Assert.Equal(CompressionAlgorithm.Deflate, settings.Compression.Algorithm);
        Assert.Equal(CompressionLevel.Fastest, settings.Compression.Level);
        Assert.Equal(128 * KiB, settings.ChunkSize); // Wi-Fi's 256–512 KiB moved inside Lightweight's 32–128 KiB
    }

    [Fact]
    public void Adaptive_NeverCompressesWithAnAlgorithmThePeerLacks()
    {
        NodeCapabilities deflateOnly = NodeCapabilities.Default with { IsMetered = true, Compression = CompressionAlgorithms.Deflate };
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.CapabilityBased).Recommend(Context(ProtocolProfiles.Lightweight, deflateOnly));
        Assert.Equal(CompressionAlgorithm.Deflate, settings.Compression.Algorithm);
    }

    [Theory]
    [InlineData(2, 512 + 102)] // Ethernet band 0–10 ms, 20% of 512–1024 KiB, rounded down to KiB
    [InlineData(25, 256 + 128)] // Wi-Fi band 10–40 ms, halfway
    [InlineData(100, 128 + 69)] // cellular band 40–150 ms
    [InlineData(1000, 128)] // far beyond: the top of the constrained range
    public void Adaptive_LatencyBased_GrowsTheChunkWithTheRttWithinTheClassRange(int rttMs, int expectedKiB)
    {
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.LatencyBased)
            .Recommend(Context(ProtocolProfiles.Adaptive, measurements: new PathMeasurements(TimeSpan.FromMilliseconds(rttMs), 0)));
        Assert.Equal(expectedKiB * KiB, settings.ChunkSize);
    }

    [Fact]
    public void Adaptive_LatencyBased_CompressesOnSlowPathsOnly()
    {
        IAdaptiveStrategy strategy = AdaptiveStrategies.Get(AdaptiveStrategies.LatencyBased);
        Assert.Equal(CompressionAlgorithm.Brotli, strategy.Recommend(Context(ProtocolProfiles.Adaptive, measurements: new(TimeSpan.FromMilliseconds(80), 0))).Compression.Algorithm);
        Assert.Equal(CompressionAlgorithm.Deflate, strategy.Recommend(Context(ProtocolProfiles.Adaptive, measurements: new(TimeSpan.FromMilliseconds(5), 0))).Compression.Algorithm);
    }

    [Theory]
    [InlineData(100_000_000L, 1024, CompressionAlgorithm.None)] // 10 MB per 100 ms, capped at the Ethernet range's top
    [InlineData(6_000_000L, 512, CompressionAlgorithm.Deflate)] // 600 KB per 100 ms, capped at the Wi-Fi range's top
    [InlineData(2_000_000L, 195, CompressionAlgorithm.Brotli)] // 200 KB per 100 ms, inside the cellular range
    [InlineData(100_000L, 64, CompressionAlgorithm.Brotli)] // 10 KB per 100 ms, raised to the constrained range's floor
    public void Adaptive_BandwidthBased_SizesChunksToOneTenthOfASecond(long throughput, int expectedKiB, CompressionAlgorithm expectedCompression)
    {
        AdaptiveSettings settings = AdaptiveStrategies.Get(AdaptiveStrategies.BandwidthBased)
            .Recommend(Context(ProtocolProfiles.Adaptive, measurements: new PathMeasurements(TimeSpan.Zero, throughput)));
        Assert.Equal(expectedKiB * KiB, settings.ChunkSize);
        Assert.Equal(expectedCompression, settings.Compression.Algorithm);
    }

    [Fact]
    public void Adaptive_MissingMeasurements_FallBackToCapabilities()
    {
        AdaptiveContext context = Context(ProtocolProfiles.Adaptive, NodeCapabilities.Default with { BandwidthClass = BandwidthClass.Cellular });
        AdaptiveSettings expected = AdaptiveStrategies.Get(AdaptiveStrategies.CapabilityBased).Recommend(context);
        Assert.Equal(expected, AdaptiveStrategies.Get(AdaptiveStrategies.LatencyBased).Recommend(context));
        Assert.Equal(expected, AdaptiveStrategies.Get(AdaptiveStrategies.BandwidthBased).Recommend(context));
    }

    [Fact]
    public void Adaptive_EveryStrategy_StaysWithinTheProfilesBounds() =>
        Properties.Check(Prop.ForAll(
            (from strategy in Gen.Elements(AdaptiveStrategies.CapabilityBased, AdaptiveStrategies.LatencyBased, AdaptiveStrategies.BandwidthBased)
             from kind in Gen.Elements(Enum.GetValues<ProtocolProfileKind>())
             from peerClass in Gen.Elements(Enum.GetValues<BandwidthClass>())
             from localClass in Gen.Elements(Enum.GetValues<BandwidthClass>())
             from flags in Gen.Choose(0, 3)
             from compression in Gen.Choose(0, 3)
             from rtt in Gen.Choose(0, 2000)
             from throughput in Gen.Choose(0, int.MaxValue)
             select (strategy, kind, peerClass, localClass, flags, compression, rtt, throughput)).ToArbitrary(),
            t =>
            {
                ProtocolProfile profile = ProtocolProfiles.Get(t.kind);
                var peer = new NodeCapabilities { BandwidthClass = t.peerClass, IsMetered = (t.flags & 1) != 0, IsBatteryConstrained = (t.flags & 2) != 0, Compression = (CompressionAlgorithms)t.compression };
                var local = new NodeCapabilities { BandwidthClass = t.localClass };
                var context = new AdaptiveContext(profile, local, peer, new PathMeasurements(TimeSpan.FromMilliseconds(t.rtt), t.throughput));
                AdaptiveSettings settings = AdaptiveStrategies.Get(t.strategy).Recommend(context);
                return settings.ChunkSize >= profile.Chunking.Bounds.Min
                    && settings.ChunkSize <= profile.Chunking.Bounds.Max
                    && profile.Compression.Allowed.Supports(settings.Compression.Algorithm)
                    && peer.Compression.Supports(settings.Compression.Algorithm)
                    && settings.Recommend(context, t.strategy);
            }), maxTest: 1000);
}

internal static class AdaptiveSettingsAssertions
{
    /// <summary>Strategies are pure: asking again gives the same answer.</summary>
    public static bool Recommend(this AdaptiveSettings settings, AdaptiveContext context, string strategy) =>
        AdaptiveStrategies.Get(strategy).Recommend(context) == settings;
}
