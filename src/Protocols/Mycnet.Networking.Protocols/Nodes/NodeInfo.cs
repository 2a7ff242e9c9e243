namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>A node as the protocol sees it: who it is, what it is, and what it can do.</summary>
/// <param name="Id">The node's identity (never <see cref="NodeId.Empty"/>).</param>
/// <param name="Type">The node's role.</param>
/// <param name="Capabilities">What the node can do.</param>
public sealed record NodeInfo(NodeId Id, NodeType Type, NodeCapabilities Capabilities)
{
    /// <summary>Checks the identity, type and capabilities.</summary>
    /// <exception cref="ArgumentException">A field is missing, out of range or undefined.</exception>
    public void Validate()
    {
        Guard.Check(!Id.IsEmpty, nameof(Id), "A node id must not be empty.");
        Guard.Defined(Type, nameof(Type));
        Guard.NotNull(Capabilities, nameof(Capabilities));
        Capabilities.Validate();
    }
}
