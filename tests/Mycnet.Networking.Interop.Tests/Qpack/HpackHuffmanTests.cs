using System.Text;
using Mycnet.Networking.Interop.Qpack;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Qpack;

public sealed class HpackHuffmanTests
{
    // RFC 7541 Appendix C.4 (requests) and C.6 (responses): Huffman-coded string literals.
    public static TheoryData<string, string> Rfc7541Vectors => new()
    {
        { "www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff" },
        { "no-cache", "a8eb 1064 9cbf" },
        { "custom-key", "25a8 49e9 5ba9 7d7f" },
        { "custom-value", "25a8 49e9 5bb8 e8b4 bf" },
        { "302", "6402" },
        { "private", "aec3 771a 4b" },
        { "Mon, 21 Oct 2013 20:13:21 GMT", "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff" },
        { "https://www.example.com", "9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3" },
        { "307", "640e ff" },
        { "gzip", "9bd9 ab" },
    };

    [Fact]
    public void Table_codes_are_the_canonical_assignment_of_their_lengths()
    {
        // RFC 7541 Appendix B is a canonical Huffman code: sorting by (length, symbol) and counting up
        // must reproduce every code. A single mistyped code or length breaks this.
        ReadOnlySpan<HuffmanCode> codes = HpackHuffmanTable.Codes;
        Assert.Equal(257, codes.Length);
        int[] order = Enumerable.Range(0, 257).ToArray();
        HuffmanCode[] copy = codes.ToArray();
        Array.Sort(order, (a, b) => copy[a].Length != copy[b].Length ? copy[a].Length.CompareTo(copy[b].Length) : a.CompareTo(b));
        uint code = 0;
        int length = copy[order[0]].Length;
        for (int i = 0; i < order.Length; i++)
        {
            HuffmanCode entry = copy[order[i]];
            if (i > 0)
            {
                code = (code + 1) << (entry.Length - length);
                length = entry.Length;
            }

            Assert.True(code == entry.Code, $"symbol {order[i]}: table has 0x{entry.Code:x}, canonical order gives 0x{code:x}");
        }
    }

    [Fact]
    public void Table_is_complete_and_eos_is_thirty_ones()
    {
        double kraft = 0;
        foreach (HuffmanCode code in HpackHuffmanTable.Codes)
        {
            Assert.InRange(code.Length, 5, 30);
            kraft += Math.Pow(2, -code.Length);
        }

        Assert.Equal(1.0, kraft, 12);
        Assert.Equal(new HuffmanCode(0x3fffffff, 30), HpackHuffmanTable.Codes[HpackHuffmanTable.Eos]);
        Assert.Equal(new HuffmanCode(0x18, 6), HpackHuffmanTable.Codes['/']);
    }

    [Theory]
    [MemberData(nameof(Rfc7541Vectors))]
    public void Decodes_rfc7541_vectors(string text, string hex)
    {
        byte[] encoded = Hex.Parse(hex);
        byte[] decoded = new byte[HpackHuffman.GetMaxDecodedLength(encoded.Length)];
        Assert.True(HpackHuffman.TryDecode(encoded, decoded, out int written));
        Assert.Equal(text, Encoding.ASCII.GetString(decoded, 0, written));
    }

    [Theory]
    [MemberData(nameof(Rfc7541Vectors))]
    public void Encodes_rfc7541_vectors(string text, string hex)
    {
        byte[] source = Encoding.ASCII.GetBytes(text);
        byte[] encoded = new byte[HpackHuffman.GetEncodedLength(source)];
        Assert.Equal(encoded.Length, HpackHuffman.Encode(source, encoded));
        Assert.Equal(Hex.Parse(hex), encoded);
    }

    [Fact]
    public void Every_byte_value_round_trips()
    {
        byte[] all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        for (int start = 0; start < 256; start += 7)
        {
            byte[] source = all[start..].Concat(all[..start]).ToArray();
            byte[] encoded = new byte[HpackHuffman.GetEncodedLength(source)];
            HpackHuffman.Encode(source, encoded);
            byte[] decoded = new byte[HpackHuffman.GetMaxDecodedLength(encoded.Length)];
            Assert.True(HpackHuffman.TryDecode(encoded, decoded, out int written));
            Assert.Equal(source, decoded[..written]);
        }
    }

    [Fact]
    public void Empty_input_decodes_to_empty()
    {
        Assert.True(HpackHuffman.TryDecode([], [], out int written));
        Assert.Equal(0, written);
    }

    [Fact]
    public void Rejects_eos_inside_the_string()
    {
        // 'a' (00011) then EOS (30 ones), then 5 ones of padding: 37 + 3 = 40 bits.
        byte[] encoded = Hex.Parse("1fff ffff ff");
        Assert.False(HpackHuffman.TryDecode(encoded, new byte[16], out _));
    }

    [Fact]
    public void Rejects_padding_longer_than_seven_bits()
    {
        // '0' (00000) + 3 padding ones is fine; the same followed by a full 0xff byte is 11 padding bits.
        Assert.True(HpackHuffman.TryDecode([0x07], new byte[4], out int written));
        Assert.Equal(1, written);
        Assert.False(HpackHuffman.TryDecode([0x07, 0xff], new byte[4], out _));
    }

    [Fact]
    public void Rejects_padding_that_is_not_all_ones()
    {
        // '0' (00000) followed by 010 is neither a code nor an EOS prefix.
        Assert.False(HpackHuffman.TryDecode([0x02], new byte[4], out _));
    }

    [Fact]
    public void Fails_when_output_does_not_fit()
    {
        byte[] encoded = Hex.Parse("f1e3 c2e5 f23a 6ba0 ab90 f4ff");
        Assert.False(HpackHuffman.TryDecode(encoded, new byte[14], out _));
        Assert.True(HpackHuffman.TryDecode(encoded, new byte[15], out int written));
        Assert.Equal(15, written);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(7541);
        byte[] destination = new byte[64];
        for (int i = 0; i < 5000; i++)
        {
            byte[] input = new byte[random.Next(0, 40)];
            random.NextBytes(input);
            bool ok = HpackHuffman.TryDecode(input, destination, out int written);
            Assert.InRange(written, 0, destination.Length);
            if (ok)
            {
                // Whatever decodes must encode back to the same bytes (the code is a bijection up to padding).
                byte[] again = new byte[HpackHuffman.GetEncodedLength(destination.AsSpan(0, written))];
                HpackHuffman.Encode(destination.AsSpan(0, written), again);
                Assert.Equal(input, again);
            }
        }
    }
}
