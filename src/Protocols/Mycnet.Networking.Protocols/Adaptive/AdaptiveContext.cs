using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>What a strategy decides from: the connection's effective profile, both nodes' capabilities, and the path measurements.</summary>
/// <param name="Profile">The effective (negotiated) profile; its bounds limit every decision.</param>
/// <param name="Local">This node's capabilities.</param>
/// <param name="Peer">The peer's capabilities.</param>
/// <param name="Measurements">The transport's latest measurements.</param>
public sealed record AdaptiveContext(ProtocolProfile Profile, NodeCapabilities Local, NodeCapabilities Peer, PathMeasurements Measurements)
{
    /// <summary>The algorithms the profile allows and both nodes support.</summary>
    public CompressionAlgorithms UsableCompression => Profile.Compression.Allowed & Local.Compression & Peer.Compression;

    /// <summary>The weaker of the two nodes' bandwidth classes.</summary>
    public BandwidthClass WeakerBandwidthClass => BandwidthClassInfo.Weaker(Local.BandwidthClass, Peer.BandwidthClass);

    /// <summary>Whether either node is metered.</summary>
    public bool AnyMetered => Local.IsMetered || Peer.IsMetered;

    /// <summary>Whether either node runs on battery.</summary>
    public bool AnyBatteryConstrained => Local.IsBatteryConstrained || Peer.IsBatteryConstrained;
}
