using System.IO.Compression;
using System.Net.Security;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>
/// The four built-in profiles and the pair matrix that picks one for two node types.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>setting</term><description>HighPerformance / Adaptive / Standard / Lightweight</description></listheader>
/// <item><term>pair</term><description>Sclerotia↔Sclerotia / Sclerotia↔Rhizomorph / Rhizomorph↔Rhizomorph / any↔Hyphae</description></item>
/// <item><term>congestion control</term><description>CUBIC / CUBIC / NewReno / NewReno</description></item>
/// <item><term>initial_max_data</term><description>64 MiB / 16 MiB / 8 MiB / 1 MiB</description></item>
/// <item><term>stream window (bidi; uni)</term><description>16; 4 MiB / 4; 1 MiB / 2; 1 MiB / 256; 128 KiB</description></item>
/// <item><term>streams (bidi; uni)</term><description>1000; 100 / 256; 64 / 128; 32 / 16; 4</description></item>
/// <item><term>idle timeout; keep-alive</term><description>60 s; 15 s / 45 s; 15 s / 30 s; 10 s / 60 s; 25 s</description></item>
/// <item><term>datagrams; reliability</term><description>on; datagrams for loss-tolerant / on; datagrams for loss-tolerant / off; streams / off; streams</description></item>
/// <item><term>compression (threshold; may switch to)</term><description>none (–; none) / Deflate fastest (4 KiB; Deflate, Brotli) / Deflate optimal (8 KiB; Deflate) / Brotli fastest (1 KiB; Deflate, Brotli)</description></item>
/// <item><term>cipher preference</term><description>AES-128-GCM, AES-256-GCM, ChaCha20 / AES-128-GCM, ChaCha20, AES-256-GCM / AES-256-GCM, AES-128-GCM, ChaCha20 / ChaCha20, AES-128-GCM</description></item>
/// <item><term>chunk size (bounds)</term><description>1 MiB (512 KiB–1 MiB) / 256 KiB (64 KiB–1 MiB) / 256 KiB (128–512 KiB) / 64 KiB (32–128 KiB)</description></item>
/// </list>
/// Why: backbone links are fast and unmetered, so HighPerformance spends memory (large windows) and skips
/// compression; Adaptive starts in the middle and lets a strategy move within wide bounds; Standard is the
/// conservative relay default; Lightweight keeps windows and stream counts small, compresses hard, prefers
/// ChaCha20 (fast without AES hardware) and keeps alive just under common 30 s NAT timeouts.
/// </remarks>
public static class ProtocolProfiles
{
    private const int KiB = 1024;
    private const int MiB = 1024 * 1024;

    /// <summary>Sclerotia ↔ Sclerotia: throughput first.</summary>
    public static ProtocolProfile HighPerformance { get; } = new()
    {
        Kind = ProtocolProfileKind.HighPerformance,
        Transport = new TransportSettings
        {
            CongestionControl = CongestionControlAlgorithm.Cubic,
            InitialMaxData = 64 * MiB,
            InitialMaxStreamDataBidiLocal = 16 * MiB,
            InitialMaxStreamDataBidiRemote = 16 * MiB,
            InitialMaxStreamDataUni = 4 * MiB,
            MaxBidirectionalStreams = 1000,
            MaxUnidirectionalStreams = 100,
            IdleTimeout = TimeSpan.FromSeconds(60),
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            DatagramsEnabled = true,
            CipherSuitePreference = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256],
        },
        Compression = CompressionSettings.Disabled,
        Reliability = ReliabilityMode.DatagramsForLossTolerant,
        Chunking = new ChunkingSettings { DefaultChunkSize = 1 * MiB, Bounds = new ChunkSizeRange(512 * KiB, 1 * MiB) },
    };

    /// <summary>Sclerotia ↔ Rhizomorph: re-tuned from measurements within wide bounds.</summary>
    public static ProtocolProfile Adaptive { get; } = new()
    {
        Kind = ProtocolProfileKind.Adaptive,
        Transport = new TransportSettings
        {
            CongestionControl = CongestionControlAlgorithm.Cubic,
            InitialMaxData = 16 * MiB,
            InitialMaxStreamDataBidiLocal = 4 * MiB,
            InitialMaxStreamDataBidiRemote = 4 * MiB,
            InitialMaxStreamDataUni = 1 * MiB,
            MaxBidirectionalStreams = 256,
            MaxUnidirectionalStreams = 64,
            IdleTimeout = TimeSpan.FromSeconds(45),
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            DatagramsEnabled = true,
            CipherSuitePreference = [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384],
        },
        Compression = new CompressionSettings
        {
            Algorithm = CompressionAlgorithm.Deflate,
            Level = CompressionLevel.Fastest,
            ThresholdBytes = 4 * KiB,
            Allowed = CompressionAlgorithms.Deflate | CompressionAlgorithms.Brotli,
        },
        Reliability = ReliabilityMode.DatagramsForLossTolerant,
        Chunking = new ChunkingSettings { DefaultChunkSize = 256 * KiB, Bounds = new ChunkSizeRange(64 * KiB, 1 * MiB) },
    };

    /// <summary>Rhizomorph ↔ Rhizomorph: conservative relay defaults.</summary>
    public static ProtocolProfile Standard { get; } = new()
    {
        Kind = ProtocolProfileKind.Standard,
        Transport = new TransportSettings
        {
            CongestionControl = CongestionControlAlgorithm.NewReno,
            InitialMaxData = 8 * MiB,
            InitialMaxStreamDataBidiLocal = 2 * MiB,
            InitialMaxStreamDataBidiRemote = 2 * MiB,
            InitialMaxStreamDataUni = 1 * MiB,
            MaxBidirectionalStreams = 128,
            MaxUnidirectionalStreams = 32,
            IdleTimeout = TimeSpan.FromSeconds(30),
            KeepAliveInterval = TimeSpan.FromSeconds(10),
            DatagramsEnabled = false,
            CipherSuitePreference = [TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256],
        },
        Compression = new CompressionSettings
        {
            Algorithm = CompressionAlgorithm.Deflate,
            Level = CompressionLevel.Optimal,
            ThresholdBytes = 8 * KiB,
            Allowed = CompressionAlgorithms.Deflate,
        },
        Reliability = ReliabilityMode.Streams,
        Chunking = new ChunkingSettings { DefaultChunkSize = 256 * KiB, Bounds = new ChunkSizeRange(128 * KiB, 512 * KiB) },
    };

    /// <summary>Any ↔ Hyphae: little overhead for edge clients.</summary>
    public static ProtocolProfile Lightweight { get; } = new()
    {
        Kind = ProtocolProfileKind.Lightweight,
        Transport = new TransportSettings
        {
            CongestionControl = CongestionControlAlgorithm.NewReno,
            InitialMaxData = 1 * MiB,
            InitialMaxStreamDataBidiLocal = 256 * KiB,
            InitialMaxStreamDataBidiRemote = 256 * KiB,
            InitialMaxStreamDataUni = 128 * KiB,
            MaxBidirectionalStreams = 16,
            MaxUnidirectionalStreams = 4,
            IdleTimeout = TimeSpan.FromSeconds(60),
            KeepAliveInterval = TimeSpan.FromSeconds(25),
            DatagramsEnabled = false,
            CipherSuitePreference = [TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, TlsCipherSuite.TLS_AES_128_GCM_SHA256],
        },
        Compression = new CompressionSettings
        {
            Algorithm = CompressionAlgorithm.Brotli,
            Level = CompressionLevel.Fastest,
            ThresholdBytes = 1 * KiB,
            Allowed = CompressionAlgorithms.Deflate | CompressionAlgorithms.Brotli,
        },
        Reliability = ReliabilityMode.Streams,
        Chunking = new ChunkingSettings { DefaultChunkSize = 64 * KiB, Bounds = new ChunkSizeRange(32 * KiB, 128 * KiB) },
    };

    /// <summary>The built-in profile of a kind.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined kind.</exception>
    public static ProtocolProfile Get(ProtocolProfileKind kind) => kind switch
    {
        ProtocolProfileKind.HighPerformance => HighPerformance,
        ProtocolProfileKind.Adaptive => Adaptive,
        ProtocolProfileKind.Standard => Standard,
        ProtocolProfileKind.Lightweight => Lightweight,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown protocol profile."),
    };

    /// <summary>
    /// The pair matrix: Sclerotia↔Sclerotia HighPerformance, Sclerotia↔Rhizomorph Adaptive, Rhizomorph↔Rhizomorph
    /// Standard, any↔Hyphae Lightweight. Symmetric.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A type is not defined.</exception>
    public static ProtocolProfileKind ForPair(NodeType a, NodeType b)
    {
        Guard.Defined(a, nameof(a));
        Guard.Defined(b, nameof(b));
        if (a == NodeType.Hyphae || b == NodeType.Hyphae)
        {
            return ProtocolProfileKind.Lightweight;
        }

        if (a == NodeType.Sclerotia && b == NodeType.Sclerotia)
        {
            return ProtocolProfileKind.HighPerformance;
        }

        return a == NodeType.Rhizomorph && b == NodeType.Rhizomorph ? ProtocolProfileKind.Standard : ProtocolProfileKind.Adaptive;
    }
}
