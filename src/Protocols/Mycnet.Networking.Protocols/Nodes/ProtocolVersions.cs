namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>The versions of the node protocol (control messages and envelopes) this SDK speaks.</summary>
public static class ProtocolVersions
{
    /// <summary>The oldest version this SDK speaks.</summary>
    public const ushort Minimum = 1;

    /// <summary>The newest version this SDK speaks; a Hello proposes it.</summary>
    public const ushort Current = 1;
}
