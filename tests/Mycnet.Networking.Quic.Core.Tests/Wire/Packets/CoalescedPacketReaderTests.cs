using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class CoalescedPacketReaderTests
{
    private static readonly byte[] Dcid = [0xd1, 0xd2, 0xd3, 0xd4];

    [Fact]
    public void InitialHandshakeAndOneRtt_AreReadInOrderWithTheirOffsets()
    {
        byte[] datagram = Build(out int[] offsets, PacketType.Initial, PacketType.Handshake, PacketType.OneRtt);
        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        var types = new List<PacketType>();
        var seenOffsets = new List<int>();
        while (reader.TryReadNext(out PacketHeader header, out int offset))
        {
            types.Add(header.Type);
            seenOffsets.Add(offset);
            Assert.Equal(Dcid, header.DestinationConnectionId.ToArray());
        }

        Assert.Equal([PacketType.Initial, PacketType.Handshake, PacketType.OneRtt], types);
        Assert.Equal(offsets, seenOffsets);
        Assert.Equal(0, reader.RemainingLength);
        Assert.Equal(0, reader.SkippedPacketCount);
    }

    [Fact]
    public void PacketWithADifferentDcid_IsSkippedAndCounted()
    {
        byte[] first = Build(out _, PacketType.Initial);
        byte[] other = LongPacket(PacketType.Handshake, [0xee, 0xee, 0xee, 0xee], 30);
        byte[] third = Build(out _, PacketType.Handshake);
        byte[] datagram = [.. first, .. other, .. third];

        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        Assert.True(reader.TryReadNext(out PacketHeader header, out int offset));
        Assert.Equal(PacketType.Initial, header.Type);
        Assert.Equal(0, offset);
        Assert.True(reader.TryReadNext(out header, out offset));
        Assert.Equal(PacketType.Handshake, header.Type);
        Assert.Equal(first.Length + other.Length, offset);
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(1, reader.SkippedPacketCount);
    }

    [Fact]
    public void TrailingGarbage_StopsIterationAndIsReported()
    {
        byte[] packet = Build(out _, PacketType.Initial);
        byte[] datagram = [.. packet, 0x00, 0x00, 0x00];
        var reader = new CoalescedPacketReader(datagram, Dcid.Length);
        Assert.True(reader.TryReadNext(out _, out _));
        Assert.False(reader.TryReadNext(out _, out int offset));
        Assert.Equal(packet.Length, offset);
        Assert.Equal(3, reader.RemainingLength);
    }

    [Fact]
    public void EmptyDatagram_YieldsNothing()
    {
        var reader = new CoalescedPacketReader([], 8);
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(0, reader.RemainingLength);
    }

    private static byte[] Build(out int[] offsets, params PacketType[] types)
    {
        var bytes = new List<byte>();
        offsets = new int[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            offsets[i] = bytes.Count;
            bytes.AddRange(types[i] == PacketType.OneRtt ? ShortPacket(40) : LongPacket(types[i], Dcid, 30 + i));
        }

        return [.. bytes];
    }

    private static byte[] LongPacket(PacketType type, byte[] dcid, int payloadLength)
    {
        byte[] buffer = new byte[200];
        var writer = new WireWriter(buffer);
        LongHeaderLayout layout = LongHeader.Write(ref writer, type, QuicVersion.Version1, dcid, [1, 2], default, 0, 1);
        writer.WriteZeros(payloadLength);
        LongHeader.WriteLength(buffer, layout, writer.Position);
        return writer.Written.ToArray();
    }

    private static byte[] ShortPacket(int payloadLength)
    {
        byte[] buffer = new byte[200];
        var writer = new WireWriter(buffer);
        ShortHeader.Write(ref writer, Dcid, false, false, 0, 1);
        writer.WriteZeros(payloadLength);
        return writer.Written.ToArray();
    }
}
