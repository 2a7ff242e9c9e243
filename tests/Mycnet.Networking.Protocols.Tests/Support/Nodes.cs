using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Tests.Support;

/// <summary>Deterministic test nodes.</summary>
internal static class TestNodes
{
    public static NodeInfo Node(NodeType type, ulong id, NodeCapabilities? capabilities = null) =>
        new(new NodeId(0x1000 + (ulong)type, id), type, capabilities ?? NodeCapabilities.Default);
}
