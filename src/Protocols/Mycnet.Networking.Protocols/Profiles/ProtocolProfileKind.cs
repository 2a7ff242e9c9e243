namespace Mycnet.Networking.Protocols.Profiles;

/// <summary>
/// The four protocol profiles, ordered from lightest to heaviest: negotiation never settles on a profile heavier
/// than the pair matrix allows, and either node may ask for a lighter one.
/// </summary>
public enum ProtocolProfileKind
{
    /// <summary>Little overhead for edge clients: any pair with a Hyphae.</summary>
    Lightweight = 1,

    /// <summary>Balanced defaults between relays: Rhizomorph ↔ Rhizomorph.</summary>
    Standard = 2,

    /// <summary>Re-tuned from measurements between backbone and relay: Sclerotia ↔ Rhizomorph.</summary>
    Adaptive = 3,

    /// <summary>Throughput first between backbone nodes: Sclerotia ↔ Sclerotia.</summary>
    HighPerformance = 4,
}

/// <summary>How messages travel.</summary>
public enum ReliabilityMode
{
    /// <summary>Every message on a reliable stream.</summary>
    Streams = 1,

    /// <summary>Messages marked loss-tolerant travel as QUIC datagrams (RFC 9221); everything else on streams.</summary>
    DatagramsForLossTolerant = 2,
}

/// <summary>The congestion controller a connection runs (QUIC recovery, RFC 9002).</summary>
public enum CongestionControlAlgorithm
{
    /// <summary>NewReno (RFC 9002 §7): conservative, predictable, cheap.</summary>
    NewReno = 1,

    /// <summary>CUBIC (RFC 9438): grows faster on high bandwidth-delay paths.</summary>
    Cubic = 2,
}
