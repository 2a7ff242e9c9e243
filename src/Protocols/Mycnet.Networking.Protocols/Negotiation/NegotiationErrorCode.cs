namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>Why a negotiation failed. Sent in a Reject; stable on the wire.</summary>
public enum NegotiationErrorCode
{
    /// <summary>The nodes share no protocol version.</summary>
    UnsupportedVersion = 1,

    /// <summary>A node announced a node type this SDK does not know.</summary>
    UnknownNodeType = 2,

    /// <summary>A node's id, capabilities, version or proposed profile is invalid.</summary>
    InvalidNodeInfo = 3,

    /// <summary>The nodes' capabilities cannot satisfy the profile the pair must use (e.g. messages too small for its chunks).</summary>
    IncompatibleCapabilities = 4,

    /// <summary>The responder's HelloAck does not match the outcome the initiator computed.</summary>
    ProfileMismatch = 5,

    /// <summary>A node connected to itself (both Hellos carry the same node id).</summary>
    SelfConnection = 6,

    /// <summary>A control message could not be decoded.</summary>
    MalformedMessage = 7,

    /// <summary>A control message arrived that the current state does not expect.</summary>
    UnexpectedMessage = 8,

    /// <summary>The control stream ended before negotiation completed.</summary>
    StreamClosed = 9,
}
