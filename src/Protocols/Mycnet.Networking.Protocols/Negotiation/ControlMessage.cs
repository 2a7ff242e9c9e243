using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>The kinds of control message, as numbered on the wire.</summary>
public enum ControlMessageType
{
    /// <summary>The initiator's opening message.</summary>
    Hello = 1,

    /// <summary>The responder's acceptance, carrying the outcome.</summary>
    HelloAck = 2,

    /// <summary>Either side's refusal, with a code and reason.</summary>
    Reject = 3,
}

/// <summary>A message on the control stream. Encoded by <see cref="ControlMessageCodec"/>.</summary>
public abstract record ControlMessage
{
    private protected ControlMessage()
    {
    }

    /// <summary>The kind of message.</summary>
    public abstract ControlMessageType Type { get; }
}

/// <summary>The initiator's opening message.</summary>
/// <param name="ProtocolVersion">The version the sender proposes: its newest.</param>
/// <param name="Node">The sender: id, type and capabilities (which hold its version range).</param>
/// <param name="ProposedProfile">The heaviest profile the sender wants; the pair matrix caps it. <see cref="ProtocolProfileKind.HighPerformance"/> means "whatever the matrix says".</param>
public sealed record Hello(ushort ProtocolVersion, NodeInfo Node, ProtocolProfileKind ProposedProfile) : ControlMessage
{
    /// <inheritdoc />
    public override ControlMessageType Type => ControlMessageType.Hello;
}

/// <summary>The responder's acceptance.</summary>
/// <param name="ProtocolVersion">The negotiated version.</param>
/// <param name="Node">The responder: id, type and capabilities.</param>
/// <param name="Profile">The negotiated profile.</param>
public sealed record HelloAck(ushort ProtocolVersion, NodeInfo Node, ProtocolProfileKind Profile) : ControlMessage
{
    /// <inheritdoc />
    public override ControlMessageType Type => ControlMessageType.HelloAck;
}

/// <summary>A refusal.</summary>
/// <param name="Code">Why.</param>
/// <param name="Reason">A human-readable explanation.</param>
public sealed record NegotiationReject(NegotiationErrorCode Code, string Reason) : ControlMessage
{
    /// <inheritdoc />
    public override ControlMessageType Type => ControlMessageType.Reject;
}
