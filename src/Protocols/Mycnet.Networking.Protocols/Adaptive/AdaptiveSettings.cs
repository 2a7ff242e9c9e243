using Mycnet.Networking.Protocols.Framing;

namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>The settings a strategy re-tunes: the chunk size of streaming bodies and payload compression.</summary>
/// <param name="ChunkSize">Bytes per body chunk.</param>
/// <param name="Compression">Payload compression.</param>
public readonly record struct AdaptiveSettings(int ChunkSize, PayloadCompressionSettings Compression);
