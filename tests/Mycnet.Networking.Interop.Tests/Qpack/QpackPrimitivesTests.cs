using Mycnet.Networking.Interop.Qpack;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Qpack;

public sealed class QpackPrimitivesTests
{
    // RFC 7541 Appendix C.1: 10 with a 5-bit prefix, 1337 with a 5-bit prefix, 42 with an 8-bit prefix.
    [Theory]
    [InlineData(10UL, 5, "0a")]
    [InlineData(1337UL, 5, "1f9a0a")]
    [InlineData(42UL, 8, "2a")]
    [InlineData(31UL, 5, "1f00")]
    [InlineData(0UL, 3, "00")]
    public void Integers_match_rfc7541_examples(ulong value, int prefix, string hex)
    {
        byte[] expected = Hex.Parse(hex);
        Assert.Equal(expected.Length, QpackPrimitives.GetIntegerLength(value, prefix));
        byte[] written = new byte[expected.Length];
        Assert.Equal(expected.Length, QpackPrimitives.WriteInteger(written, value, prefix, 0));
        Assert.Equal(expected, written);

        int position = 0;
        Assert.True(QpackPrimitives.TryReadInteger(expected, ref position, prefix, out ulong read));
        Assert.Equal(value, read);
        Assert.Equal(expected.Length, position);
    }

    [Fact]
    public void Integer_prefix_ignores_the_flag_bits_above_it()
    {
        // 0xea = 111 01010: with a 5-bit prefix the value is 10 whatever the three flag bits say.
        int position = 0;
        Assert.True(QpackPrimitives.TryReadInteger([0xea], ref position, 5, out ulong value));
        Assert.Equal(10UL, value);
    }

    [Fact]
    public void Integers_round_trip_up_to_62_bits_for_every_prefix()
    {
        ulong[] values = [0, 1, 6, 7, 8, 126, 127, 128, 254, 255, 256, 16383, 16384, 1UL << 32, QpackPrimitives.MaxInteger];
        for (int prefix = 1; prefix <= 8; prefix++)
        {
            foreach (ulong value in values)
            {
                byte[] buffer = new byte[QpackPrimitives.GetIntegerLength(value, prefix)];
                int length = QpackPrimitives.WriteInteger(buffer, value, prefix, 0);
                Assert.Equal(buffer.Length, length);
                int position = 0;
                Assert.True(QpackPrimitives.TryReadInteger(buffer, ref position, prefix, out ulong read));
                Assert.Equal(value, read);
                Assert.Equal(length, position);

                // Every truncation fails cleanly and leaves the position alone.
                for (int cut = 0; cut < length; cut++)
                {
                    int p = 0;
                    Assert.False(QpackPrimitives.TryReadInteger(buffer.AsSpan(0, cut), ref p, prefix, out _));
                    Assert.Equal(0, p);
                }
            }
        }
    }

    [Fact]
    public void Integers_over_62_bits_are_refused()
    {
        // 2^62 with an 8-bit prefix: 0xff then 2^62 - 255 in 7-bit groups.
        ulong value = (1UL << 62) - 255;
        var bytes = new List<byte> { 0xff };
        while (value >= 0x80)
        {
            bytes.Add((byte)(0x80 | (value & 0x7f)));
            value >>= 7;
        }

        bytes.Add((byte)value);
        int position = 0;
        Assert.False(QpackPrimitives.TryReadInteger(bytes.ToArray(), ref position, 8, out _));
    }

    [Fact]
    public void Endless_continuation_bytes_are_refused()
    {
        byte[] bytes = [0x1f, .. Enumerable.Repeat((byte)0x80, 20), 0x01];
        int position = 0;
        Assert.False(QpackPrimitives.TryReadInteger(bytes, ref position, 5, out _));
    }

    [Fact]
    public void Reads_plain_and_huffman_strings_with_any_prefix()
    {
        // 8-bit prefix (flag 0x80, 7-bit length): plain "abc", then Huffman "302" (6402).
        byte[] plain = [0x03, (byte)'a', (byte)'b', (byte)'c'];
        int p = 0;
        Assert.Equal(QpackStringStatus.Ok, QpackPrimitives.TryReadString(plain, ref p, 7, 100, out string value));
        Assert.Equal("abc", value);
        Assert.Equal(4, p);

        byte[] huffman = [0x82, 0x64, 0x02];
        p = 0;
        Assert.Equal(QpackStringStatus.Ok, QpackPrimitives.TryReadString(huffman, ref p, 7, 100, out value));
        Assert.Equal("302", value);

        // 4-bit prefix string (literal name, RFC 9204 §4.5.6): 0010 N=0 H=1 len=2 → 0x2a, Huffman "302".
        byte[] name = [0x2a, 0x64, 0x02];
        p = 0;
        Assert.Equal(QpackStringStatus.Ok, QpackPrimitives.TryReadString(name, ref p, 3, 100, out value));
        Assert.Equal("302", value);
    }

    [Fact]
    public void Strings_fail_when_truncated_too_long_or_badly_coded()
    {
        int p = 0;
        Assert.Equal(QpackStringStatus.Malformed, QpackPrimitives.TryReadString([0x05, (byte)'a'], ref p, 7, 100, out _));
        Assert.Equal(0, p);
        Assert.Equal(QpackStringStatus.TooLong, QpackPrimitives.TryReadString([0x03, 1, 2, 3], ref p, 7, 2, out _));
        Assert.Equal(QpackStringStatus.Malformed, QpackPrimitives.TryReadString([0x81, 0x02], ref p, 7, 100, out _));

        // Huffman "www.example.com" (15 bytes decoded) against a 10-byte budget.
        byte[] huffman = [0x8c, .. Hex.Parse("f1e3 c2e5 f23a 6ba0 ab90 f4ff")];
        Assert.Equal(QpackStringStatus.TooLong, QpackPrimitives.TryReadString(huffman, ref p, 7, 10, out _));
        Assert.Equal(QpackStringStatus.Ok, QpackPrimitives.TryReadString(huffman, ref p, 7, 15, out string value));
        Assert.Equal("www.example.com", value);
    }
}
