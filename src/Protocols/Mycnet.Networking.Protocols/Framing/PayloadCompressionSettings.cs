using System.IO.Compression;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>How payloads are compressed right now: the algorithm, the BCL level, and the size from which to compress.</summary>
/// <param name="Algorithm">The algorithm, or None.</param>
/// <param name="Level">The BCL compression level.</param>
/// <param name="ThresholdBytes">Payloads shorter than this are sent uncompressed.</param>
public readonly record struct PayloadCompressionSettings(CompressionAlgorithm Algorithm, CompressionLevel Level, int ThresholdBytes)
{
    /// <summary>No compression.</summary>
    public static PayloadCompressionSettings Disabled => new(CompressionAlgorithm.None, CompressionLevel.NoCompression, 0);

    /// <summary>Whether a payload of <paramref name="length"/> bytes should be compressed.</summary>
    public bool AppliesTo(int length) => Algorithm != CompressionAlgorithm.None && Level != CompressionLevel.NoCompression && length >= ThresholdBytes && length > 0;
}
