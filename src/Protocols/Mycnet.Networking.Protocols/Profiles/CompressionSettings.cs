using System.IO.Compression;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>
/// Payload compression of a profile: the algorithm and level used by default, the payload size from which it is
/// applied, and the algorithms the adaptive strategies may switch to.
/// </summary>
public sealed record CompressionSettings
{
    /// <summary>The algorithm used unless a strategy re-tunes it.</summary>
    public CompressionAlgorithm Algorithm { get; init; } = CompressionAlgorithm.None;

    /// <summary>The BCL compression level.</summary>
    public CompressionLevel Level { get; init; } = CompressionLevel.Fastest;

    /// <summary>Payloads shorter than this many bytes are sent uncompressed.</summary>
    public int ThresholdBytes { get; init; } = 4096;

    /// <summary>The algorithms a strategy may choose (None is always allowed).</summary>
    public CompressionAlgorithms Allowed { get; init; } = CompressionAlgorithms.None;

    /// <summary>No compression at all.</summary>
    public static CompressionSettings Disabled { get; } = new();

    /// <summary>The settings a serializer applies before any re-tuning.</summary>
    public Framing.PayloadCompressionSettings ToPayloadSettings() =>
        new(Algorithm, Algorithm == CompressionAlgorithm.None ? CompressionLevel.NoCompression : Level, ThresholdBytes);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range, or the default algorithm is not allowed.</exception>
    public void Validate()
    {
        Guard.Defined(Algorithm, nameof(Algorithm));
        Guard.Defined(Level, nameof(Level));
        Guard.InRange(ThresholdBytes, 0, int.MaxValue, nameof(ThresholdBytes));
        Guard.Check((Allowed & ~CompressionAlgorithms.All) == 0, nameof(Allowed), $"Allowed holds unknown algorithms ({(int)Allowed}).");
        Guard.Check(Allowed.Supports(Algorithm), nameof(Algorithm), $"The default algorithm {Algorithm} is not in Allowed ({Allowed}).");
    }
}
