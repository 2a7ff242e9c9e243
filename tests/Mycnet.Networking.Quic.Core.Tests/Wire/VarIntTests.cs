using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class VarIntTests
{
    // RFC 9000 Appendix A.1 sample encodings.
    [Theory]
    [InlineData("c2197c5eff14e88c", 151288809941952652UL)]
    [InlineData("9d7f3e7d", 494878333UL)]
    [InlineData("7bbd", 15293UL)]
    [InlineData("25", 37UL)]
    [InlineData("4025", 37UL)]
    public void Rfc9000_AppendixA1_SamplesDecode(string hex, ulong expected)
    {
        byte[] bytes = Convert.FromHexString(hex);
        Assert.True(VarInt.TryRead(bytes, out ulong value, out int length));
        Assert.Equal(expected, value);
        Assert.Equal(bytes.Length, length);
    }

    [Theory]
    [InlineData(0UL, 1)]
    [InlineData(63UL, 1)]
    [InlineData(64UL, 2)]
    [InlineData(16383UL, 2)]
    [InlineData(16384UL, 4)]
    [InlineData(1073741823UL, 4)]
    [InlineData(1073741824UL, 8)]
    [InlineData(VarInt.MaxValue, 8)]
    public void WriteThenRead_RoundTripsWithShortestLength(ulong value, int expectedLength)
    {
        Span<byte> buffer = stackalloc byte[8];
        int written = VarInt.Write(buffer, value);
        Assert.Equal(expectedLength, written);
        Assert.Equal(expectedLength, VarInt.GetLength(value));
        Assert.True(VarInt.TryRead(buffer[..written], out ulong read, out int length));
        Assert.Equal(value, read);
        Assert.Equal(written, length);
    }

    [Fact]
    public void TruncatedPrefixes_FailCleanly()
    {
        byte[] bytes = Convert.FromHexString("c2197c5eff14e88c");
        for (int i = 0; i < bytes.Length; i++)
        {
            Assert.False(VarInt.TryRead(bytes.AsSpan(0, i), out _, out _));
        }
    }

    [Fact]
    public void ValueAboveTwoToThe62_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VarInt.GetLength(VarInt.MaxValue + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => VarInt.WriteWithLength(new byte[8], 64, 1));
    }

    [Fact]
    public void FixedLengthPlaceholder_KeepsItsLength()
    {
        var buffer = new byte[4];
        Assert.Equal(4, VarInt.WriteWithLength(buffer, 5, 4));
        Assert.True(VarInt.TryRead(buffer, out ulong value, out int length));
        Assert.Equal(5UL, value);
        Assert.Equal(4, length);
    }
}
