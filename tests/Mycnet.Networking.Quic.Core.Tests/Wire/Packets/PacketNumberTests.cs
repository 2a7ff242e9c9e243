using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class PacketNumberTests
{
    // RFC 9000 Appendix A.2: largest acknowledged 0xabe8b3; sending 0xac5c02 needs 16 bits, 0xace8fe needs 24.
    [Theory]
    [InlineData(0xac5c02UL, 2)]
    [InlineData(0xace8feUL, 3)]
    public void GetEncodedLength_ReproducesAppendixA2(ulong packetNumber, int expectedLength) =>
        Assert.Equal(expectedLength, PacketNumber.GetEncodedLength(packetNumber, 0xabe8b3));

    [Theory]
    [InlineData(0UL, null, 1)]
    [InlineData(127UL, null, 1)]
    [InlineData(128UL, null, 2)]
    [InlineData(128UL, 0UL, 1)]
    [InlineData(129UL, 0UL, 2)]
    [InlineData(1UL << 31, 0UL, 4)]
    public void GetEncodedLength_CoversTwiceTheUnacknowledgedRange(ulong packetNumber, ulong? largestAcked, int expected) =>
        Assert.Equal(expected, PacketNumber.GetEncodedLength(packetNumber, largestAcked));

    [Fact]
    public void GetEncodedLength_RejectsUnencodableDistances()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketNumber.GetEncodedLength((1UL << 31) + 1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketNumber.GetEncodedLength(5, 5));
    }

    // RFC 9000 Appendix A.3: after 0xa82f30ea, a 16-bit value of 0x9b32 decodes to 0xa82f9b32.
    [Fact]
    public void Decode_ReproducesAppendixA3() => Assert.Equal(0xa82f9b32UL, PacketNumber.Decode(0x9b32, 2, 0xa82f30ea));

    // RFC 9001 Appendix A.5: packet number 654360564 sent in 3 bytes as 0x00bff4 (49140).
    [Fact]
    public void Truncate_ReproducesRfc9001AppendixA5() => Assert.Equal(49140UL, PacketNumber.Truncate(654360564, 3));

    [Theory]
    [InlineData(0x00UL, 1, null, 0UL)]
    [InlineData(0xffUL, 1, 0x100UL, 0xffUL)] // just behind expected, inside the window
    [InlineData(0x01UL, 1, 0x1feUL, 0x201UL)] // wraps upward
    [InlineData(0xffUL, 1, 0x200UL, 0x1ffUL)] // candidate too far ahead: one window back
    [InlineData(0xfeUL, 1, 0UL, 0xfeUL)] // no underflow below zero
    [InlineData(0xffffffffUL, 4, (1UL << 62) - 2, (1UL << 62) - 1)] // top of the number space
    public void Decode_PicksTheCandidateClosestToExpected(ulong truncated, int length, ulong? largest, ulong expected) =>
        Assert.Equal(expected, PacketNumber.Decode(truncated, length, largest));

    [Fact]
    public void EncodeThenDecode_RecoversRandomPacketNumbers()
    {
        var random = new Random(1234);
        for (int i = 0; i < 20000; i++)
        {
            ulong largestAcked = (ulong)random.NextInt64(0, 1L << 40);
            ulong packetNumber = largestAcked + 1 + (ulong)random.NextInt64(0, 1L << random.Next(1, 31));
            int length = PacketNumber.GetEncodedLength(packetNumber, largestAcked);
            ulong truncated = PacketNumber.Truncate(packetNumber, length);

            // The receiver has processed something between the largest acknowledged and the new packet.
            ulong largestReceived = largestAcked + (ulong)random.NextInt64(0, (long)(packetNumber - largestAcked));
            Assert.Equal(packetNumber, PacketNumber.Decode(truncated, length, largestReceived));
        }
    }

    [Fact]
    public void WriteThenRead_UsesExactlyTheChosenLength()
    {
        byte[] buffer = new byte[4];
        var writer = new WireWriter(buffer);
        PacketNumber.Write(ref writer, 0x00bff4, 3);
        Assert.Equal(3, writer.Position);
        Assert.Equal(Convert.FromHexString("00bff4"), writer.Written.ToArray());
        Assert.True(PacketNumber.TryRead(buffer, 3, out ulong read));
        Assert.Equal(0xbff4UL, read);
        Assert.False(PacketNumber.TryRead(buffer.AsSpan(0, 2), 3, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var w = new WireWriter(new byte[4]);
            PacketNumber.Write(ref w, 0x100, 1);
        });
    }
}
