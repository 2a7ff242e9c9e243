using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>Which side of the control stream a node is on.</summary>
public enum NegotiationRole
{
    /// <summary>Sends Hello, expects HelloAck (the connecting side).</summary>
    Initiator = 1,

    /// <summary>Expects Hello, answers HelloAck or Reject (the accepting side).</summary>
    Responder = 2,
}

/// <summary>What two nodes agreed on. Both sides compute the same values.</summary>
/// <param name="ProtocolVersion">The protocol version both speak.</param>
/// <param name="Profile">The effective profile: the pair's profile adjusted to both nodes' capabilities.</param>
/// <param name="MaxMessageSize">The largest message either node accepts (the smaller of the two).</param>
/// <param name="Local">This node.</param>
/// <param name="Peer">The other node.</param>
public sealed record NegotiationResult(ushort ProtocolVersion, ProtocolProfile Profile, int MaxMessageSize, NodeInfo Local, NodeInfo Peer);
