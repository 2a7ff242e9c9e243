using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class VersionNegotiationPacketTests
{
    // RFC 9000 §17.2.1: Header Form 1, Unused (7), Version 0, DCID Length/DCID, SCID Length/SCID, Supported Versions.
    private const string Known = "c3 00000000 04 01020304 02 0a0b 00000001 1a2a3a4a";

    [Fact]
    public void KnownEncoding_ParsesTheEchoedIdsAndTheVersionList()
    {
        byte[] bytes = FrameTestKit.Hex(Known);
        Assert.True(VersionNegotiationPacket.TryParse(bytes, out VersionNegotiationPacket packet));
        Assert.Equal(FrameTestKit.Hex("01020304"), packet.DestinationConnectionId.ToArray());
        Assert.Equal(FrameTestKit.Hex("0a0b"), packet.SourceConnectionId.ToArray());
        Assert.Equal(2, packet.VersionCount);
        Assert.Equal(QuicVersion.Version1, packet.GetVersion(0));
        Assert.Equal(0x1a2a3a4aU, packet.GetVersion(1));
        Assert.True(packet.Contains(QuicVersion.Version1));
        Assert.False(packet.Contains(2));

        Assert.True(PacketHeader.TryParse(bytes, 0, out PacketHeader header));
        Assert.Equal(PacketType.VersionNegotiation, header.Type);
    }

    [Fact]
    public void EveryTruncatedPrefix_ThatCutsTheHeaderOrAVersion_FailsCleanly()
    {
        byte[] bytes = FrameTestKit.Hex(Known);
        for (int length = 0; length < bytes.Length; length++)
        {
            bool wholeVersions = length >= 13 && (length - 13) % 4 == 0; // 13 = header with both IDs
            Assert.Equal(wholeVersions, VersionNegotiationPacket.TryParse(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void WriteThenParse_RoundTripsAndSetsTheHighUnusedBit()
    {
        byte[] dcid = new byte[40]; // longer than v1 allows: echoes a client of another version
        byte[] scid = [5, 6, 7];
        uint[] versions = [QuicVersion.Version1, 0x0a0a0a0a];
        byte[] buffer = new byte[VersionNegotiationPacket.GetLength(dcid.Length, scid.Length, versions.Length)];
        var writer = new WireWriter(buffer);
        int written = VersionNegotiationPacket.Write(ref writer, 0x15, dcid, scid, versions);
        Assert.Equal(buffer.Length, written);
        Assert.Equal(0x80 | 0x40 | 0x15, buffer[0]);

        Assert.True(VersionNegotiationPacket.TryParse(buffer, out VersionNegotiationPacket packet));
        Assert.Equal(dcid, packet.DestinationConnectionId.ToArray());
        Assert.Equal(scid, packet.SourceConnectionId.ToArray());
        Assert.Equal(2, packet.VersionCount);
        Assert.Equal(0x0a0a0a0aU, packet.GetVersion(1));
    }

    [Theory]
    [InlineData("c3 00000000 00 00 000000")] // list not a multiple of 4
    [InlineData("c3 00000001 00 00 00000001")] // not version 0
    [InlineData("43 00000000 00 00 00000001")] // short header form
    [InlineData("c3 00000000 09 0102")] // DCID beyond the buffer
    public void Malformed_IsRejected(string hex) =>
        Assert.False(VersionNegotiationPacket.TryParse(FrameTestKit.Hex(hex), out _));
}
