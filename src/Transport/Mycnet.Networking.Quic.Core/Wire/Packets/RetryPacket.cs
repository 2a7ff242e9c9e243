namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Retry (RFC 9000 §17.2.5): a long header of type 3 with a Retry Token and a 16-byte Retry Integrity
/// Tag, taking the whole datagram. The tag is an AEAD tag over the Retry pseudo-packet (RFC 9001 §5.8);
/// computing it is the packet-protection code's job: this type gives the bytes and offsets.
/// </summary>
/// <remarks>
/// Server: <see cref="WriteWithoutTag"/> into the datagram buffer → <see cref="WritePseudoPacket"/> into a
/// scratch buffer of <see cref="GetPseudoPacketLength"/> bytes → compute the tag over it → write the 16
/// tag bytes after the packet. Client: <see cref="TryParse"/> → rebuild the pseudo-packet from
/// <see cref="WithoutTag"/> and its original DCID → verify <see cref="IntegrityTag"/>.
/// </remarks>
internal readonly ref struct RetryPacket
{
    /// <summary>The Retry Integrity Tag length (AEAD_AES_128_GCM tag).</summary>
    public const int IntegrityTagLength = 16;

    private RetryPacket(uint version, byte firstByte, ReadOnlySpan<byte> dcid, ReadOnlySpan<byte> scid, ReadOnlySpan<byte> token, ReadOnlySpan<byte> withoutTag, ReadOnlySpan<byte> tag)
    {
        Version = version;
        FirstByte = firstByte;
        DestinationConnectionId = dcid;
        SourceConnectionId = scid;
        Token = token;
        WithoutTag = withoutTag;
        IntegrityTag = tag;
    }

    public uint Version { get; }

    public byte FirstByte { get; }

    public ReadOnlySpan<byte> DestinationConnectionId { get; }

    /// <summary>The server's chosen connection ID; the client uses it as DCID from now on.</summary>
    public ReadOnlySpan<byte> SourceConnectionId { get; }

    /// <summary>The token to echo in the next Initial packet.</summary>
    public ReadOnlySpan<byte> Token { get; }

    /// <summary>The packet without its integrity tag: the tail of the Retry pseudo-packet.</summary>
    public ReadOnlySpan<byte> WithoutTag { get; }

    public ReadOnlySpan<byte> IntegrityTag { get; }

    /// <summary>
    /// Parses a v1 Retry packet taking the whole of <paramref name="packet"/>. False when it is not a v1
    /// Retry, a connection ID is longer than 20 bytes, there is no room for the tag, or the token is
    /// empty (a client MUST discard a Retry with an empty token, RFC 9000 §17.2.5.2).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> packet, out RetryPacket result)
    {
        result = default;
        if (!PacketHeader.TryParse(packet, 0, out PacketHeader header) || header.Type != PacketType.Retry || header.Token.IsEmpty)
        {
            return false;
        }

        int tagOffset = packet.Length - IntegrityTagLength;
        result = new RetryPacket(header.Version, header.FirstByte, header.DestinationConnectionId, header.SourceConnectionId, header.Token, packet[..tagOffset], packet[tagOffset..]);
        return true;
    }

    /// <summary>The length of a Retry packet, tag included.</summary>
    public static int GetLength(int dcidLength, int scidLength, int tokenLength) => GetLengthWithoutTag(dcidLength, scidLength, tokenLength) + IntegrityTagLength;

    /// <summary>The length of a Retry packet without its tag.</summary>
    public static int GetLengthWithoutTag(int dcidLength, int scidLength, int tokenLength) => 1 + 4 + 1 + dcidLength + 1 + scidLength + tokenLength;

    /// <summary>
    /// Writes a Retry packet up to (not including) the integrity tag. <paramref name="unusedBits"/>
    /// supplies the four low bits of the first byte (arbitrary; pass random bits).
    /// </summary>
    /// <param name="writer">The output.</param>
    /// <param name="unusedBits">Random bits for the Unused field.</param>
    /// <param name="version">The version (QUIC v1).</param>
    /// <param name="destinationConnectionId">The client's SCID.</param>
    /// <param name="sourceConnectionId">The server's new connection ID.</param>
    /// <param name="token">The Retry token (non-empty).</param>
    /// <returns>The number of bytes written.</returns>
    public static int WriteWithoutTag(ref WireWriter writer, byte unusedBits, uint version, scoped ReadOnlySpan<byte> destinationConnectionId, scoped ReadOnlySpan<byte> sourceConnectionId, scoped ReadOnlySpan<byte> token)
    {
        LongHeader.ValidateConnectionId(destinationConnectionId, nameof(destinationConnectionId));
        LongHeader.ValidateConnectionId(sourceConnectionId, nameof(sourceConnectionId));
        if (token.IsEmpty)
        {
            throw new ArgumentException("A Retry packet carries a non-empty token (RFC 9000 §17.2.5).", nameof(token));
        }

        int start = writer.Position;
        writer.WriteByte((byte)(PacketFirstByte.HeaderFormBit | PacketFirstByte.FixedBit | ((int)PacketType.Retry << 4) | (unusedBits & 0x0F)));
        writer.WriteUInt32(version);
        writer.WriteByte((byte)destinationConnectionId.Length);
        writer.WriteBytes(destinationConnectionId);
        writer.WriteByte((byte)sourceConnectionId.Length);
        writer.WriteBytes(sourceConnectionId);
        writer.WriteBytes(token);
        return writer.Position - start;
    }

    /// <summary>The length of the Retry pseudo-packet (RFC 9001 §5.8).</summary>
    public static int GetPseudoPacketLength(int originalDcidLength, int retryWithoutTagLength) => 1 + originalDcidLength + retryWithoutTagLength;

    /// <summary>
    /// Builds the Retry pseudo-packet (RFC 9001 §5.8): ODCID Length (8), Original Destination Connection
    /// ID, then the Retry packet without its tag. Returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">The ODCID is longer than 20 bytes or the destination is too small.</exception>
    public static int WritePseudoPacket(Span<byte> destination, ReadOnlySpan<byte> originalDestinationConnectionId, ReadOnlySpan<byte> retryWithoutTag)
    {
        LongHeader.ValidateConnectionId(originalDestinationConnectionId, nameof(originalDestinationConnectionId));
        var writer = new WireWriter(destination);
        writer.WriteByte((byte)originalDestinationConnectionId.Length);
        writer.WriteBytes(originalDestinationConnectionId);
        writer.WriteBytes(retryWithoutTag);
        return writer.Position;
    }
}
