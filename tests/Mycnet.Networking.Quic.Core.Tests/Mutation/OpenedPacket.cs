using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>Which way a datagram travels.</summary>
internal enum Direction
{
    ClientToServer,
    ServerToClient,
}

/// <summary>One packet of a recorded datagram, opened: its unprotected header and its plaintext.</summary>
internal sealed class OpenedPacket
{
    public required EncryptionLevel Level { get; init; }

    public required PacketType Type { get; init; }

    /// <summary>Where the packet starts in its datagram.</summary>
    public required int DatagramOffset { get; init; }

    /// <summary>The packet's length in its datagram.</summary>
    public required int DatagramLength { get; init; }

    /// <summary>The header without protection, packet number included.</summary>
    public required byte[] Header { get; init; }

    public required int PnOffset { get; init; }

    public required int PnLength { get; init; }

    /// <summary>Where the long header's Length field starts; -1 for a short header.</summary>
    public required int LengthFieldOffset { get; init; }

    public required int LengthFieldSize { get; init; }

    public required ulong PacketNumber { get; init; }

    /// <summary>The 1-RTT key generation (key updates so far); 0 below 1-RTT.</summary>
    public required int Generation { get; init; }

    public required byte[] Plaintext { get; init; }

    /// <summary>The packet as it was on the wire.</summary>
    public required byte[] Protected { get; init; }
}
