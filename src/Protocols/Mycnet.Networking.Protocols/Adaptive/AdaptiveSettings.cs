using System.IO.Compression;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>The settings a strategy re-tunes: the chunk size of streaming bodies and payload compression.</summary>
/// <param name="ChunkSize">Bytes per body chunk.</param>
/// <param name="Compression">The payload compression algorithm.</param>
/// <param name="Level">The BCL compression level.</param>
/// <param name="CompressionThresholdBytes">Payloads shorter than this are sent uncompressed.</param>
public readonly record struct AdaptiveSettings(int ChunkSize, CompressionAlgorithm Compression, CompressionLevel Level, int CompressionThresholdBytes);
