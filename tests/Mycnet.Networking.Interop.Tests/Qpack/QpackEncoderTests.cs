using System.Text;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Qpack;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Qpack;

public sealed class QpackEncoderTests
{
    [Fact]
    public void Encodes_static_matches_name_references_and_literal_names_without_huffman()
    {
        byte[] encoded = QpackEncoder.Encode(
        [
            new(":method", "GET"),
            new(":scheme", "https"),
            new(":authority", "localhost:4433"),
            new(":path", "/x"),
            new("user-agent", "mycnet"),
            new("x-custom", "v"),
        ]);
        string expected = "0000" + "d1" + "d7"
            + "500e" + Ascii("localhost:4433")
            + "5102" + Ascii("/x")
            + "5f50" + "06" + Ascii("mycnet") // name index 95 = 15 + 80
            + "2701" + Ascii("x-custom") + "01" + Ascii("v"); // literal name, length 8 = 7 + 1
        Assert.Equal(expected, Hex.Format(encoded));
    }

    [Fact]
    public void Empty_section_is_just_the_prefix()
    {
        Assert.Equal([0x00, 0x00], QpackEncoder.Encode([]));
    }

    [Fact]
    public void Round_trips_through_the_decoder()
    {
        var random = new Random(42);
        for (int i = 0; i < 200; i++)
        {
            var fields = new List<HttpField>();
            int count = random.Next(0, 12);
            for (int f = 0; f < count; f++)
            {
                fields.Add(random.Next(3) switch
                {
                    0 => new HttpField(":status", random.Next(2) == 0 ? "200" : "404"),
                    1 => new HttpField("content-length", random.Next(0, 1 << 30).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    _ => new HttpField("x-" + random.Next(1000), new string((char)random.Next('a', 'z'), random.Next(0, 300))),
                });
            }

            byte[] encoded = QpackEncoder.Encode(fields);
            var decoded = new List<HttpField>();
            Assert.Equal(QpackDecodeStatus.Ok, QpackDecoder.Decode(encoded, 1 << 20, decoded, out _));
            Assert.Equal(fields, decoded);
        }
    }

    private static string Ascii(string text) => Hex.Format(Encoding.ASCII.GetBytes(text));
}
