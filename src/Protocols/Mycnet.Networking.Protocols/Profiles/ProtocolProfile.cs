namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>
/// A protocol profile: a concrete, complete set of transport and protocol settings for a pair of nodes. The four
/// built-in profiles are in <see cref="ProtocolProfiles"/>; negotiation derives the effective profile of a
/// connection from one of them and both nodes' capabilities.
/// </summary>
public sealed record ProtocolProfile
{
    /// <summary>Which profile this is (or was derived from).</summary>
    public required ProtocolProfileKind Kind { get; init; }

    /// <summary>QUIC transport settings.</summary>
    public required TransportSettings Transport { get; init; }

    /// <summary>Payload compression.</summary>
    public required CompressionSettings Compression { get; init; }

    /// <summary>Whether loss-tolerant messages may travel as datagrams.</summary>
    public required ReliabilityMode Reliability { get; init; }

    /// <summary>Chunking of streaming bodies.</summary>
    public required ChunkingSettings Chunking { get; init; }

    /// <summary>Checks every setting, and that datagram reliability is only used with datagrams enabled.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or inconsistent.</exception>
    public void Validate()
    {
        Guard.Defined(Kind, nameof(Kind));
        Guard.Defined(Reliability, nameof(Reliability));
        Guard.NotNull(Transport, nameof(Transport));
        Guard.NotNull(Compression, nameof(Compression));
        Guard.NotNull(Chunking, nameof(Chunking));
        Transport.Validate();
        Compression.Validate();
        Chunking.Validate();
        Guard.Check(
            Reliability != ReliabilityMode.DatagramsForLossTolerant || Transport.DatagramsEnabled,
            nameof(Reliability),
            "DatagramsForLossTolerant needs Transport.DatagramsEnabled.");
    }
}
