namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>
/// How much bandwidth a node's links typically offer, named after the interface class that usually gives it.
/// The adaptive strategies map a class to a chunk-size range (see <see cref="BandwidthClassInfo.ChunkRange"/>).
/// </summary>
public enum BandwidthClass
{
    /// <summary>Constrained cellular (2G/3G, poor LTE, satellite): under ~4 Mbit/s. Chunks 64–128 KiB.</summary>
    Constrained = 1,

    /// <summary>LTE-class cellular: ~4–40 Mbit/s. Chunks 128–256 KiB.</summary>
    Cellular = 2,

    /// <summary>Wi-Fi class: ~40–400 Mbit/s. Chunks 256–512 KiB.</summary>
    WiFi = 3,

    /// <summary>Ethernet and data-centre links: over ~400 Mbit/s. Chunks 512 KiB–1 MiB.</summary>
    Ethernet = 4,
}

/// <summary>The chunk-size ranges and measurement thresholds of each <see cref="BandwidthClass"/>.</summary>
public static class BandwidthClassInfo
{
    private const int KiB = 1024;

    /// <summary>The chunk-size range suited to a class: Ethernet 512 KiB–1 MiB, Wi-Fi 256–512 KiB, cellular 128–256 KiB, constrained 64–128 KiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined class.</exception>
    public static ChunkSizeRange ChunkRange(BandwidthClass bandwidthClass) => bandwidthClass switch
    {
        BandwidthClass.Ethernet => new ChunkSizeRange(512 * KiB, 1024 * KiB),
        BandwidthClass.WiFi => new ChunkSizeRange(256 * KiB, 512 * KiB),
        BandwidthClass.Cellular => new ChunkSizeRange(128 * KiB, 256 * KiB),
        BandwidthClass.Constrained => new ChunkSizeRange(64 * KiB, 128 * KiB),
        _ => throw new ArgumentOutOfRangeException(nameof(bandwidthClass), bandwidthClass, "Unknown bandwidth class."),
    };

    /// <summary>The class a measured throughput falls in: ≥ 50 MB/s Ethernet, ≥ 5 MB/s Wi-Fi, ≥ 500 kB/s cellular, else constrained.</summary>
    public static BandwidthClass FromThroughput(long bytesPerSecond) => bytesPerSecond switch
    {
        >= 50_000_000 => BandwidthClass.Ethernet,
        >= 5_000_000 => BandwidthClass.WiFi,
        >= 500_000 => BandwidthClass.Cellular,
        _ => BandwidthClass.Constrained,
    };

    /// <summary>The class a smoothed round-trip time suggests: under 10 ms Ethernet, under 40 ms Wi-Fi, under 150 ms cellular, else constrained.</summary>
    public static BandwidthClass FromRoundTripTime(TimeSpan smoothedRtt) => smoothedRtt.TotalMilliseconds switch
    {
        < 10 => BandwidthClass.Ethernet,
        < 40 => BandwidthClass.WiFi,
        < 150 => BandwidthClass.Cellular,
        _ => BandwidthClass.Constrained,
    };

    /// <summary>The weaker of two classes: a link is as good as its slower end.</summary>
    public static BandwidthClass Weaker(BandwidthClass a, BandwidthClass b) => a <= b ? a : b;
}
