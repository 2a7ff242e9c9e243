namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>
/// What a node can do and what it can afford, sent in Hello / HelloAck. Immutable; build variants with <c>with</c>.
/// </summary>
public sealed record NodeCapabilities
{
    /// <summary>The smallest <see cref="MaxMessageSize"/> a node may announce (4 KiB).</summary>
    public const int MinimumMaxMessageSize = 4 * 1024;

    /// <summary>The largest <see cref="MaxMessageSize"/> a node may announce (256 MiB).</summary>
    public const int MaximumMaxMessageSize = 256 * 1024 * 1024;

    /// <summary>The typical bandwidth of the node's links.</summary>
    public BandwidthClass BandwidthClass { get; init; } = BandwidthClass.WiFi;

    /// <summary>Whether the node pays per byte (cellular data plans): it prefers compression and smaller chunks.</summary>
    public bool IsMetered { get; init; }

    /// <summary>Whether the node runs on battery: it prefers cheap compression and fewer wake-ups.</summary>
    public bool IsBatteryConstrained { get; init; }

    /// <summary>Whether the node accepts QUIC datagrams (RFC 9221).</summary>
    public bool SupportsDatagrams { get; init; } = true;

    /// <summary>The payload compression algorithms the node can decode (and encode).</summary>
    public CompressionAlgorithms Compression { get; init; } = CompressionAlgorithms.All;

    /// <summary>The largest message (one envelope, or one body chunk with its envelope) the node accepts, in bytes.</summary>
    public int MaxMessageSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>The oldest protocol version the node speaks.</summary>
    public ushort MinProtocolVersion { get; init; } = ProtocolVersions.Minimum;

    /// <summary>The newest protocol version the node speaks.</summary>
    public ushort MaxProtocolVersion { get; init; } = ProtocolVersions.Current;

    /// <summary>The defaults: Wi-Fi class, unmetered, mains-powered, datagrams, Deflate and Brotli, 16 MiB messages, version 1.</summary>
    public static NodeCapabilities Default { get; } = new();

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is out of range or undefined.</exception>
    public void Validate()
    {
        Guard.Defined(BandwidthClass, nameof(BandwidthClass));
        Guard.Check((Compression & ~CompressionAlgorithms.All) == 0, nameof(Compression), $"Compression holds unknown algorithms ({(int)Compression}).");
        Guard.InRange(MaxMessageSize, MinimumMaxMessageSize, MaximumMaxMessageSize, nameof(MaxMessageSize));
        Guard.Check(MinProtocolVersion >= 1, nameof(MinProtocolVersion), "MinProtocolVersion must be at least 1.");
        Guard.Check(MaxProtocolVersion >= MinProtocolVersion, nameof(MaxProtocolVersion), "MaxProtocolVersion must not be below MinProtocolVersion.");
    }
}
