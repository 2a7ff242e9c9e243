namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// The parts of a packet header that are readable before decryption (RFC 9000 §17): form, type,
/// version, connection IDs, the Initial token, the Length field, where the (still protected) packet
/// number starts and how long the packet is inside its datagram. Spans are slices of the datagram.
/// </summary>
/// <remarks>
/// <para>
/// Long headers of QUIC v1 are parsed fully. Version Negotiation (version 0) and unknown versions are
/// parsed by the invariants only (RFC 8999 §5.1: connection IDs of up to 255 bytes), enough to answer
/// with Version Negotiation; they take the rest of the datagram. A Retry takes the rest of the datagram
/// (RFC 9000 §17.2.5): its token is everything between the SCID and the 16-byte integrity tag. A short
/// header takes the rest of the datagram and its DCID has the length the endpoint chose for its own
/// connection IDs.
/// </para>
/// <para>
/// Rejected (TryParse returns false, the caller drops the packet): an empty buffer; a v1 long header or a
/// short header with the fixed bit 0; v1 connection IDs longer than 20 bytes; a token or Length beyond
/// the datagram; a Retry without room for its tag. The first byte's low bits are still protected:
/// read the packet number length and reserved bits with <see cref="PacketFirstByte"/> after removing
/// header protection. Header protection also needs PacketNumberOffset + 4 + 16 bytes of packet for its
/// sample (RFC 9001 §5.4.2); the packet-protection code checks that. Policy checks (Initial datagrams of at least 1200 bytes, tokens, DCID matching
/// across coalesced packets) belong to the caller; <see cref="CoalescedPacketReader"/> does the last.
/// </para>
/// </remarks>
internal readonly ref struct PacketHeader
{
    /// <summary>The smallest long header: first byte, version, two connection ID lengths.</summary>
    public const int MinLongHeaderLength = 7;

    private PacketHeader(
        PacketType type,
        byte firstByte,
        uint version,
        ReadOnlySpan<byte> destinationConnectionId,
        ReadOnlySpan<byte> sourceConnectionId,
        ReadOnlySpan<byte> token,
        ulong length,
        int packetNumberOffset,
        ReadOnlySpan<byte> packet)
    {
        Type = type;
        FirstByte = firstByte;
        Version = version;
        DestinationConnectionId = destinationConnectionId;
        SourceConnectionId = sourceConnectionId;
        Token = token;
        Length = length;
        PacketNumberOffset = packetNumberOffset;
        Packet = packet;
    }

    public PacketType Type { get; }

    /// <summary>The first byte as received: its low bits are still under header protection.</summary>
    public byte FirstByte { get; }

    /// <summary>Whether the packet has a long header.</summary>
    public bool IsLongHeader => Type != PacketType.OneRtt;

    /// <summary>The version field of a long header; 0 for Version Negotiation and for short headers (which carry none).</summary>
    public uint Version { get; }

    public ReadOnlySpan<byte> DestinationConnectionId { get; }

    /// <summary>The source connection ID of a long header; empty for a short header.</summary>
    public ReadOnlySpan<byte> SourceConnectionId { get; }

    /// <summary>The token of an Initial packet or a Retry packet; empty otherwise.</summary>
    public ReadOnlySpan<byte> Token { get; }

    /// <summary>The Length field of an Initial, 0-RTT or Handshake packet (packet number + protected payload); 0 otherwise.</summary>
    public ulong Length { get; }

    /// <summary>The offset of the packet number from the start of the packet; -1 for packets without one.</summary>
    public int PacketNumberOffset { get; }

    /// <summary>Whether the packet carries a packet number (Initial, 0-RTT, Handshake, 1-RTT).</summary>
    public bool HasPacketNumber => PacketNumberOffset >= 0;

    /// <summary>The whole packet (header, packet number, protected payload) as a slice of the datagram.</summary>
    public ReadOnlySpan<byte> Packet { get; }

    /// <summary>The packet's length in bytes inside the datagram; the next coalesced packet starts here.</summary>
    public int PacketLength => Packet.Length;

    /// <summary>
    /// Parses the header of the packet that starts at <paramref name="datagram"/>[0]; see the type
    /// remarks for what is rejected. Never throws, never allocates.
    /// </summary>
    /// <param name="datagram">The bytes from the start of the packet to the end of the datagram.</param>
    /// <param name="shortHeaderDcidLength">The length of this endpoint's connection IDs (0–20), for short headers.</param>
    /// <param name="header">The parsed header.</param>
    public static bool TryParse(ReadOnlySpan<byte> datagram, int shortHeaderDcidLength, out PacketHeader header)
    {
        header = default;
        if (datagram.IsEmpty)
        {
            return false;
        }

        byte first = datagram[0];
        if (!PacketFirstByte.IsLongHeader(first))
        {
            return TryParseShort(datagram, shortHeaderDcidLength, out header);
        }

        var reader = new WireReader(datagram);
        reader.TrySkip(1);
        if (!reader.TryReadUInt32(out uint version)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> dcid)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> scid))
        {
            return false;
        }

        if (version == QuicVersion.Negotiation)
        {
            // RFC 9000 §17.2.1: the rest is the version list; the fixed bit is unused.
            header = new PacketHeader(PacketType.VersionNegotiation, first, version, dcid, scid, default, 0, -1, datagram);
            return true;
        }

        if (!QuicVersion.IsSupported(version))
        {
            // RFC 8999 §5.1: only the invariants are known; the packet runs to the end of the datagram.
            header = new PacketHeader(PacketType.UnsupportedVersion, first, version, dcid, scid, default, 0, -1, datagram);
            return true;
        }

        // QUIC v1 (RFC 9000 §17.2): fixed bit set, connection IDs of at most 20 bytes.
        if ((first & PacketFirstByte.FixedBit) == 0 || dcid.Length > ConnectionId.MaxLength || scid.Length > ConnectionId.MaxLength)
        {
            return false;
        }

        var type = (PacketType)((first >> 4) & 0x03);
        if (type == PacketType.Retry)
        {
            // RFC 9000 §17.2.5: Retry Token (..) then Retry Integrity Tag (128) to the end of the datagram.
            int tokenLength = reader.Remaining - RetryPacket.IntegrityTagLength;
            if (tokenLength < 0 || !reader.TryReadBytes(tokenLength, out ReadOnlySpan<byte> retryToken))
            {
                return false;
            }

            header = new PacketHeader(type, first, version, dcid, scid, retryToken, 0, -1, datagram);
            return true;
        }

        ReadOnlySpan<byte> token = default;
        if (type == PacketType.Initial && !reader.TryReadVarIntLengthPrefixed(out token))
        {
            return false;
        }

        if (!reader.TryReadVarInt(out ulong length) || length > (ulong)reader.Remaining)
        {
            return false;
        }

        int packetNumberOffset = reader.Position;
        int packetLength = packetNumberOffset + (int)length;
        header = new PacketHeader(type, first, version, dcid, scid, token, length, packetNumberOffset, datagram[..packetLength]);
        return true;
    }

    private static bool TryParseShort(ReadOnlySpan<byte> datagram, int dcidLength, out PacketHeader header)
    {
        header = default;

        // RFC 9000 §17.3.1: fixed bit 1; the DCID has the length this endpoint uses.
        if ((datagram[0] & PacketFirstByte.FixedBit) == 0
            || dcidLength < 0 || dcidLength > ConnectionId.MaxLength
            || datagram.Length < 1 + dcidLength)
        {
            return false;
        }

        header = new PacketHeader(PacketType.OneRtt, datagram[0], 0, datagram.Slice(1, dcidLength), default, default, 0, 1 + dcidLength, datagram);
        return true;
    }
}
