using System.Text;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Qpack;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Qpack;

public sealed class QpackDecoderTests
{
    private const long Limit = 64 * 1024;

    [Fact]
    public void Decodes_rfc9204_literal_with_static_name_reference()
    {
        // RFC 9204 Appendix B.1: Required Insert Count 0, Base 0, :path=/index.html.
        List<HttpField> fields = DecodeOk("0000 510b 2f69 6e64 6578 2e68 746d 6c");
        Assert.Equal([new HttpField(":path", "/index.html")], fields);
    }

    [Fact]
    public void Decodes_indexed_static_lines()
    {
        // 0xd1 = indexed, T=1, index 17 (:method GET); 0xd9 = index 25 (:status 200).
        Assert.Equal([new HttpField(":method", "GET"), new HttpField(":status", "200")], DecodeOk("0000 d1d9"));
    }

    [Fact]
    public void Decodes_a_huffman_coded_request_like_nghttp3_sends()
    {
        string hex = "0000" + "d1" + "d7"
            + "50" + "8c" + "f1e3c2e5f23a6ba0ab90f4ff" // :authority (name index 0), Huffman www.example.com
            + "51" + "0b" + Hex.Format(Encoding.ASCII.GetBytes("/index.html")) // :path (name index 1), plain
            + "2f01" + "25a849e95ba97d7f" // literal name, H=1, length 8 (3-bit prefix: 7 + 1), custom-key
            + "89" + "25a849e95bb8e8b4bf"; // value, H=1, length 9: custom-value
        Assert.Equal(
            [
                new HttpField(":method", "GET"),
                new HttpField(":scheme", "https"),
                new HttpField(":authority", "www.example.com"),
                new HttpField(":path", "/index.html"),
                new HttpField("custom-key", "custom-value"),
            ],
            DecodeOk(hex));
    }

    [Fact]
    public void Accepts_a_positive_base_without_dynamic_references()
    {
        // §4.5.1.2: a section that references no dynamic entry may use any Base (S=0, Delta Base 5).
        Assert.Equal([new HttpField(":method", "GET")], DecodeOk("0005 d1"));
    }

    [Fact]
    public void The_never_indexed_bit_does_not_change_the_field()
    {
        // 0x70 = literal with name reference, N=1, T=1, index 0 (:authority).
        Assert.Equal([new HttpField(":authority", "a")], DecodeOk("0000 7001 61"));
    }

    [Theory]
    [InlineData("0100 d1", "Required Insert Count")]
    [InlineData("0080 d1", "Base is negative")]
    [InlineData("0000 80", "dynamic table")]
    [InlineData("0000 10", "post-Base")]
    [InlineData("0000 0001 61", "post-Base")]
    [InlineData("0000 4001 61", "dynamic table")]
    [InlineData("0000 ff24", "index 99")]
    [InlineData("0000 5f7f 0161", "index")]
    [InlineData("00", "truncated")]
    [InlineData("", "truncated")]
    [InlineData("0000 5105 2f", "malformed")]
    [InlineData("0000 5181 02", "malformed")]
    public void Rejects_sections_a_table_less_decoder_cannot_accept(string hex, string reason)
    {
        var fields = new List<HttpField>();
        Assert.Equal(QpackDecodeStatus.DecompressionFailed, QpackDecoder.Decode(Hex.Parse(hex), Limit, fields, out string? error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_truncation_of_a_valid_section_fails_or_yields_a_prefix_of_its_fields()
    {
        byte[] section = QpackEncoder.Encode(
        [
            new(":method", "GET"),
            new(":authority", "localhost:4433"),
            new("x-long-custom-name", new string('v', 200)),
        ]);
        List<HttpField> full = [];
        Assert.Equal(QpackDecodeStatus.Ok, QpackDecoder.Decode(section, Limit, full, out _));
        for (int cut = 0; cut < section.Length; cut++)
        {
            var fields = new List<HttpField>();
            QpackDecodeStatus status = QpackDecoder.Decode(section.AsSpan(0, cut), Limit, fields, out _);
            if (status == QpackDecodeStatus.Ok)
            {
                Assert.Equal(full.Take(fields.Count), fields);
                Assert.True(fields.Count < full.Count);
            }
            else
            {
                Assert.Equal(QpackDecodeStatus.DecompressionFailed, status);
            }
        }
    }

    [Fact]
    public void Enforces_the_decoded_size_limit()
    {
        // Each field counts name + value + 32 (RFC 9114 §4.2.2).
        byte[] section = QpackEncoder.Encode([new("x-a", new string('a', 100)), new("x-b", new string('b', 100))]);
        var fields = new List<HttpField>();
        Assert.Equal(QpackDecodeStatus.Ok, QpackDecoder.Decode(section, 2 * (3 + 100 + 32), fields, out _));
        fields.Clear();
        Assert.Equal(QpackDecodeStatus.TooLarge, QpackDecoder.Decode(section, (2 * (3 + 100 + 32)) - 1, fields, out string? error));
        Assert.Contains("exceed", error, StringComparison.Ordinal);
        Assert.Single(fields);
    }

    [Fact]
    public void Indexed_lines_count_toward_the_size_limit()
    {
        // 3000 copies of :method GET (1 byte each on the wire, 42 bytes each decoded).
        byte[] section = [0x00, 0x00, .. Enumerable.Repeat((byte)0xd1, 3000)];
        var fields = new List<HttpField>();
        Assert.Equal(QpackDecodeStatus.TooLarge, QpackDecoder.Decode(section, Limit, fields, out _));
        Assert.True(fields.Count * 42L <= Limit);
    }

    [Fact]
    public void Random_input_never_throws()
    {
        var random = new Random(9204);
        for (int i = 0; i < 20000; i++)
        {
            byte[] input = new byte[random.Next(0, 48)];
            random.NextBytes(input);
            if (input.Length >= 2 && random.Next(2) == 0)
            {
                input[0] = 0;
                input[1] = 0;
            }

            var fields = new List<HttpField>();
            QpackDecodeStatus status = QpackDecoder.Decode(input, 4096, fields, out string? error);
            Assert.Equal(status == QpackDecodeStatus.Ok, error is null);
        }
    }

    private static List<HttpField> DecodeOk(string hex)
    {
        var fields = new List<HttpField>();
        QpackDecodeStatus status = QpackDecoder.Decode(Hex.Parse(hex), Limit, fields, out string? error);
        Assert.True(status == QpackDecodeStatus.Ok, error);
        return fields;
    }
}
