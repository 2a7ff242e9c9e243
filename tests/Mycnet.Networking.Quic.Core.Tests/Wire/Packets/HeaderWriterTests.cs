using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class HeaderWriterTests
{
    [Fact]
    public void LongHeader_ReproducesTheRfc9001ClientInitialHeader()
    {
        byte[] buffer = new byte[1300];
        var writer = new WireWriter(buffer);
        byte[] dcid = Convert.FromHexString("8394c8f03e515708");
        LongHeaderLayout layout = LongHeader.Write(ref writer, PacketType.Initial, QuicVersion.Version1, dcid, default, default, 2, 4);
        Assert.Equal(LongHeader.GetHeaderLength(PacketType.Initial, 8, 0, 0, 4), writer.Position);
        Assert.Equal(new LongHeaderLayout(0, 16, 18, 4), layout);
        Assert.Equal(22, layout.HeaderLength);

        // Length = packet number + payload + tag = 1182 (RFC 9001 Appendix A.2).
        LongHeader.WriteLength(buffer, layout, layout.PacketNumberOffset + 1182);
        Assert.Equal(PacketHeaderTests.ClientInitialHeader, Convert.ToHexStringLower(buffer.AsSpan(0, layout.HeaderLength)));
    }

    [Fact]
    public void LongHeader_ReproducesTheRfc9001ServerInitialHeader()
    {
        byte[] buffer = new byte[200];
        var writer = new WireWriter(buffer);
        byte[] scid = Convert.FromHexString("f067a5502a4262b5");
        LongHeaderLayout layout = LongHeader.Write(ref writer, PacketType.Initial, QuicVersion.Version1, default, scid, default, 1, 2);
        LongHeader.WriteLength(buffer, layout, layout.PacketNumberOffset + 117);
        Assert.Equal(PacketHeaderTests.ServerInitialHeader, Convert.ToHexStringLower(buffer.AsSpan(0, layout.HeaderLength)));
    }

    [Theory]
    [InlineData((int)PacketType.Initial, 3)]
    [InlineData((int)PacketType.ZeroRtt, 1)]
    [InlineData((int)PacketType.Handshake, 4)]
    public void LongHeader_WrittenAfterAnotherPacket_ParsesBackWithTheSameFields(int packetType, int pnLength)
    {
        var type = (PacketType)packetType;
        byte[] buffer = new byte[600];
        var writer = new WireWriter(buffer);
        writer.WriteZeros(50); // a packet coalesced before this one
        byte[] dcid = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
        byte[] scid = [9, 9, 9];
        byte[] token = type == PacketType.Initial ? [0xaa, 0xbb, 0xcc] : [];
        ulong truncated = PacketNumber.Truncate(0x12345678, pnLength);
        LongHeaderLayout layout = LongHeader.Write(ref writer, type, QuicVersion.Version1, dcid, scid, token, truncated, pnLength);
        Assert.Equal(50, layout.PacketStart);
        Assert.Equal(LongHeader.GetHeaderLength(type, dcid.Length, scid.Length, token.Length, pnLength), layout.HeaderLength);
        writer.WriteZeros(100); // payload
        writer.WriteZeros(16); // AEAD tag
        LongHeader.WriteLength(buffer, layout, writer.Position);

        Assert.True(PacketHeader.TryParse(buffer.AsSpan(50), 0, out PacketHeader header));
        Assert.Equal(type, header.Type);
        Assert.Equal(dcid, header.DestinationConnectionId.ToArray());
        Assert.Equal(scid, header.SourceConnectionId.ToArray());
        Assert.Equal(token, header.Token.ToArray());
        Assert.Equal(layout.PacketNumberOffset - 50, header.PacketNumberOffset);
        Assert.Equal(writer.Position - 50, header.PacketLength);
        Assert.Equal(pnLength, PacketFirstByte.GetPacketNumberLength(header.FirstByte));
        Assert.True(PacketFirstByte.ReservedBitsAreZero(header.FirstByte));
        Assert.True(PacketNumber.TryRead(header.Packet[header.PacketNumberOffset..], pnLength, out ulong pn));
        Assert.Equal(truncated, pn);
    }

    [Fact]
    public void LongHeader_RejectsMisuse()
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new WireWriter(new byte[100]);
            LongHeader.Write(ref w, PacketType.Handshake, 1, default, default, [1], 0, 1);
        });
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new WireWriter(new byte[100]);
            LongHeader.Write(ref w, PacketType.Handshake, 1, new byte[21], default, default, 0, 1);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = new WireWriter(new byte[100]);
            LongHeader.Write(ref w, PacketType.Retry, 1, default, default, default, 0, 1);
        });
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            byte[] buffer = new byte[100];
            var w = new WireWriter(buffer);
            LongHeaderLayout layout = LongHeader.Write(ref w, PacketType.Handshake, 1, default, default, default, 0, 1);
            LongHeader.WriteLength(buffer, layout, layout.PacketNumberOffset + 16384);
        });
    }

    [Fact]
    public void ShortHeader_ReproducesTheRfc9001ChaChaExample()
    {
        byte[] buffer = new byte[8];
        var writer = new WireWriter(buffer);
        int pnOffset = ShortHeader.Write(ref writer, default, spinBit: false, keyPhase: false, PacketNumber.Truncate(654360564, 3), 3);
        Assert.Equal(1, pnOffset);
        Assert.Equal("4200bff4", Convert.ToHexStringLower(writer.Written));
        Assert.Equal(ShortHeader.GetHeaderLength(0, 3), writer.Position);
    }

    [Fact]
    public void ShortHeader_SetsSpinAndKeyPhaseAndParsesBack()
    {
        byte[] buffer = new byte[64];
        var writer = new WireWriter(buffer);
        byte[] dcid = [7, 7, 7, 7];
        int pnOffset = ShortHeader.Write(ref writer, dcid, spinBit: true, keyPhase: true, 0x1234, 2);
        writer.WriteZeros(20);
        Assert.Equal(5, pnOffset);
        Assert.Equal(0x40 | 0x20 | 0x04 | 0x01, buffer[0]);

        Assert.True(PacketHeader.TryParse(buffer.AsSpan(0, writer.Position), 4, out PacketHeader header));
        Assert.Equal(PacketType.OneRtt, header.Type);
        Assert.Equal(dcid, header.DestinationConnectionId.ToArray());
        Assert.Equal(pnOffset, header.PacketNumberOffset);
        Assert.True(PacketFirstByte.GetSpinBit(header.FirstByte));
        Assert.True(PacketFirstByte.GetKeyPhase(header.FirstByte));
    }
}
