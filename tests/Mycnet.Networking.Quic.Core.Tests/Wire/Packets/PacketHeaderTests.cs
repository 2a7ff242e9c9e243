using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class PacketHeaderTests
{
    // RFC 9001 Appendix A.2: the client Initial's unprotected header (Length 0x49e = 1182, 4-byte packet number 2).
    internal const string ClientInitialHeader = "c300000001088394c8f03e5157080000449e00000002";

    // RFC 9001 Appendix A.3: the server Initial's unprotected header (Length 0x75 = 117, 2-byte packet number 1).
    internal const string ServerInitialHeader = "c1000000010008f067a5502a4262b50040750001";

    // RFC 9001 Appendix A.4: a Retry packet.
    internal const string RetryPacketHex = "ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba";

    [Fact]
    public void ClientInitial_FromRfc9001_ParsesEveryField()
    {
        byte[] datagram = WithPayload(ClientInitialHeader, 1182 - 4);
        Assert.True(PacketHeader.TryParse(datagram, 8, out PacketHeader header));
        Assert.Equal(PacketType.Initial, header.Type);
        Assert.True(header.IsLongHeader);
        Assert.Equal(QuicVersion.Version1, header.Version);
        Assert.Equal(Convert.FromHexString("8394c8f03e515708"), header.DestinationConnectionId.ToArray());
        Assert.True(header.SourceConnectionId.IsEmpty);
        Assert.True(header.Token.IsEmpty);
        Assert.Equal(1182UL, header.Length);
        Assert.Equal(18, header.PacketNumberOffset);
        Assert.Equal(datagram.Length, header.PacketLength);
        Assert.Equal(4, PacketFirstByte.GetPacketNumberLength(header.FirstByte));
    }

    [Fact]
    public void ServerInitial_FromRfc9001_ParsesEveryField()
    {
        byte[] datagram = WithPayload(ServerInitialHeader, 117 - 2);
        Assert.True(PacketHeader.TryParse(datagram, 0, out PacketHeader header));
        Assert.Equal(PacketType.Initial, header.Type);
        Assert.True(header.DestinationConnectionId.IsEmpty);
        Assert.Equal(Convert.FromHexString("f067a5502a4262b5"), header.SourceConnectionId.ToArray());
        Assert.Equal(117UL, header.Length);
        Assert.Equal(18, header.PacketNumberOffset);
        Assert.Equal(18 + 117, header.PacketLength);
    }

    [Fact]
    public void Retry_FromRfc9001_ParsesTokenUpToTheTag()
    {
        byte[] packet = Convert.FromHexString(RetryPacketHex);
        Assert.True(PacketHeader.TryParse(packet, 0, out PacketHeader header));
        Assert.Equal(PacketType.Retry, header.Type);
        Assert.Equal("token"u8.ToArray(), header.Token.ToArray());
        Assert.False(header.HasPacketNumber);
        Assert.Equal(packet.Length, header.PacketLength);
    }

    [Fact]
    public void ShortHeader_FromRfc9001_TakesTheRestOfTheDatagram()
    {
        byte[] datagram = Convert.FromHexString("4200bff4" + "655e5cd55c41f69080575d7999c25a5bfb");
        Assert.True(PacketHeader.TryParse(datagram, 0, out PacketHeader header));
        Assert.Equal(PacketType.OneRtt, header.Type);
        Assert.False(header.IsLongHeader);
        Assert.Equal(1, header.PacketNumberOffset);
        Assert.Equal(datagram.Length, header.PacketLength);

        byte[] withDcid = Convert.FromHexString("40" + "0102030405" + "00bff4aabb");
        Assert.True(PacketHeader.TryParse(withDcid, 5, out header));
        Assert.Equal(Convert.FromHexString("0102030405"), header.DestinationConnectionId.ToArray());
        Assert.Equal(6, header.PacketNumberOffset);
    }

    [Fact]
    public void HandshakeAndZeroRtt_HaveNoToken()
    {
        byte[] handshake = Convert.FromHexString("e0 00000001 01aa 01bb 4003 000102".Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.True(PacketHeader.TryParse(handshake, 0, out PacketHeader header));
        Assert.Equal(PacketType.Handshake, header.Type);
        Assert.Equal(3UL, header.Length);
        Assert.Equal(11, header.PacketNumberOffset);

        byte[] zeroRtt = Convert.FromHexString("d0 00000001 01aa 01bb 02 0001".Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.True(PacketHeader.TryParse(zeroRtt, 0, out header));
        Assert.Equal(PacketType.ZeroRtt, header.Type);
        Assert.Equal(10 + 2, header.PacketLength);
    }

    [Fact]
    public void VersionNegotiationAndUnknownVersions_UseTheInvariantsOnly()
    {
        // Version 0 with 30-byte connection IDs and the fixed bit clear: still a Version Negotiation packet.
        string cid30 = new('a', 60);
        byte[] vn = Convert.FromHexString("80" + "00000000" + "1e" + cid30 + "1e" + cid30 + "00000001");
        Assert.True(PacketHeader.TryParse(vn, 0, out PacketHeader header));
        Assert.Equal(PacketType.VersionNegotiation, header.Type);
        Assert.Equal(30, header.DestinationConnectionId.Length);
        Assert.Equal(vn.Length, header.PacketLength);

        byte[] unknown = Convert.FromHexString("c5" + "1a2a3a4a" + "ff" + new string('b', 510) + "00" + "0102");
        Assert.True(PacketHeader.TryParse(unknown, 0, out header));
        Assert.Equal(PacketType.UnsupportedVersion, header.Type);
        Assert.Equal(0x1a2a3a4aU, header.Version);
        Assert.Equal(255, header.DestinationConnectionId.Length);
        Assert.Equal(unknown.Length, header.PacketLength);
    }

    [Theory]
    [InlineData("")]
    [InlineData("c0000000")] // truncated version
    [InlineData("8300000001088394c8f03e5157080000449e")] // v1 long header with the fixed bit 0
    [InlineData("c300000001" + "15" + "000000000000000000000000000000000000000000" + "00000000")] // DCID of 21 bytes in v1
    [InlineData("c30000000100" + "15" + "000000000000000000000000000000000000000000" + "0000")] // SCID of 21 bytes in v1
    [InlineData("c3000000010000" + "05" + "aabb")] // token beyond the buffer
    [InlineData("c30000000100000040" + "10" + "00000000")] // Length beyond the buffer
    [InlineData("c300000001000000")] // Length missing
    [InlineData("f0000000010000" + "000102030405060708090a0b0c0d0e")] // Retry without room for the tag
    [InlineData("00aabbccdd")] // short header with the fixed bit 0
    [InlineData("40aabb")] // short header shorter than its DCID
    [InlineData("c500000001ff")] // v1 DCID length beyond the buffer
    public void Malformed_IsRejected(string hex) =>
        Assert.False(PacketHeader.TryParse(Convert.FromHexString(hex), 4, out _));

    [Fact]
    public void FirstByteHelpers_ReadTheUnprotectedBits()
    {
        Assert.Equal(4, PacketFirstByte.GetPacketNumberLength(0xc3));
        Assert.True(PacketFirstByte.ReservedBitsAreZero(0xc3));
        Assert.False(PacketFirstByte.ReservedBitsAreZero(0xc7));
        Assert.True(PacketFirstByte.ReservedBitsAreZero(0x47));
        Assert.False(PacketFirstByte.ReservedBitsAreZero(0x48));
        Assert.True(PacketFirstByte.GetKeyPhase(0x44));
        Assert.True(PacketFirstByte.GetSpinBit(0x60));
        Assert.Equal(0x0f, PacketFirstByte.GetProtectedBits(0xc0));
        Assert.Equal(0x1f, PacketFirstByte.GetProtectedBits(0x40));
    }

    internal static byte[] WithPayload(string headerHex, int payloadLength)
    {
        byte[] header = Convert.FromHexString(headerHex);
        byte[] datagram = new byte[header.Length + payloadLength];
        header.CopyTo(datagram, 0);
        datagram.AsSpan(header.Length).Fill(0x5a);
        return datagram;
    }
}
