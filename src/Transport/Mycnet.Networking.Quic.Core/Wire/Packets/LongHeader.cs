namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Writes the long header of Initial, 0-RTT and Handshake packets (RFC 9000 §17.2.2–§17.2.4).
/// </summary>
/// <remarks>
/// Call order for one packet: <see cref="Write"/> (header with a Length placeholder and the truncated
/// packet number) → write frames → leave room for the AEAD tag → <see cref="WriteLength"/> with the end
/// offset including the tag → encrypt the payload → apply header protection. The Length field is always
/// a 2-byte varint (<see cref="LengthFieldSize"/>), so a long-header packet carries at most 16383 bytes
/// of packet number + payload + tag: ample for QUIC datagrams, whose payloads this engine keeps at or
/// below the path MTU, and it lets the header length be known before the payload is written.
/// </remarks>
internal static class LongHeader
{
    /// <summary>The fixed width of the Length field placeholder.</summary>
    public const int LengthFieldSize = 2;

    /// <summary>The largest value a 2-byte Length field holds.</summary>
    public const int MaxLengthFieldValue = 16383;

    /// <summary>The header length up to and including the packet number.</summary>
    /// <param name="type">Initial, ZeroRtt or Handshake.</param>
    /// <param name="dcidLength">Destination connection ID length.</param>
    /// <param name="scidLength">Source connection ID length.</param>
    /// <param name="tokenLength">Token length (Initial only; 0 otherwise).</param>
    /// <param name="packetNumberLength">Packet number length, 1–4.</param>
    public static int GetHeaderLength(PacketType type, int dcidLength, int scidLength, int tokenLength, int packetNumberLength)
    {
        ValidateType(type);
        int length = 1 + 4 + 1 + dcidLength + 1 + scidLength + LengthFieldSize + packetNumberLength;
        if (type == PacketType.Initial)
        {
            length += VarInt.GetLength((ulong)tokenLength) + tokenLength;
        }

        return length;
    }

    /// <summary>
    /// Writes the header: first byte (form, fixed bit, type, reserved bits 0, packet number length),
    /// version, DCID, SCID, token (Initial), a Length placeholder and the truncated packet number.
    /// </summary>
    /// <exception cref="ArgumentException">A connection ID is longer than 20 bytes, or a token is given for a non-Initial packet.</exception>
    public static LongHeaderLayout Write(
        ref WireWriter writer,
        PacketType type,
        uint version,
        scoped ReadOnlySpan<byte> destinationConnectionId,
        scoped ReadOnlySpan<byte> sourceConnectionId,
        scoped ReadOnlySpan<byte> token,
        ulong truncatedPacketNumber,
        int packetNumberLength)
    {
        ValidateType(type);
        ValidateConnectionId(destinationConnectionId, nameof(destinationConnectionId));
        ValidateConnectionId(sourceConnectionId, nameof(sourceConnectionId));
        if (type != PacketType.Initial && !token.IsEmpty)
        {
            throw new ArgumentException("Only Initial packets carry a token.", nameof(token));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(packetNumberLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetNumberLength, PacketNumber.MaxLength);

        int start = writer.Position;
        writer.WriteByte((byte)(PacketFirstByte.HeaderFormBit | PacketFirstByte.FixedBit | ((int)type << 4) | (packetNumberLength - 1)));
        writer.WriteUInt32(version);
        writer.WriteByte((byte)destinationConnectionId.Length);
        writer.WriteBytes(destinationConnectionId);
        writer.WriteByte((byte)sourceConnectionId.Length);
        writer.WriteBytes(sourceConnectionId);
        if (type == PacketType.Initial)
        {
            writer.WriteVarIntLengthPrefixed(token);
        }

        int lengthOffset = writer.Position;
        writer.WriteVarInt(0, LengthFieldSize);
        int packetNumberOffset = writer.Position;
        PacketNumber.Write(ref writer, truncatedPacketNumber, packetNumberLength);
        return new LongHeaderLayout(start, lengthOffset, packetNumberOffset, packetNumberLength);
    }

    /// <summary>
    /// Fills in the Length field once the packet's end is known: Length = packet number + payload + AEAD
    /// tag = <paramref name="packetEnd"/> − PacketNumberOffset (RFC 9000 §17.2).
    /// </summary>
    /// <param name="buffer">The buffer the header was written into.</param>
    /// <param name="layout">What <see cref="Write"/> returned.</param>
    /// <param name="packetEnd">The offset just past the packet, AEAD tag included.</param>
    /// <exception cref="ArgumentOutOfRangeException">The packet is shorter than its header or the Length exceeds 16383.</exception>
    public static void WriteLength(Span<byte> buffer, LongHeaderLayout layout, int packetEnd)
    {
        int length = packetEnd - layout.PacketNumberOffset;
        if (length < layout.PacketNumberLength || length > MaxLengthFieldValue)
        {
            throw new ArgumentOutOfRangeException(nameof(packetEnd), packetEnd, $"The Length field would be {length}; it must cover the packet number and fit {LengthFieldSize} bytes.");
        }

        VarInt.WriteWithLength(buffer[layout.LengthOffset..], (ulong)length, LengthFieldSize);
    }

    private static void ValidateType(PacketType type)
    {
        if (type is not (PacketType.Initial or PacketType.ZeroRtt or PacketType.Handshake))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Only Initial, 0-RTT and Handshake packets have this long header.");
        }
    }

    internal static void ValidateConnectionId(ReadOnlySpan<byte> connectionId, string name)
    {
        if (connectionId.Length > ConnectionId.MaxLength)
        {
            throw new ArgumentException($"A QUIC v1 connection ID has at most {ConnectionId.MaxLength} bytes; got {connectionId.Length}.", name);
        }
    }
}
