using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;

namespace Mycnet.Networking.Protocols.Tests.MessagePack;

public class MessagePackWriterTests
{
    private delegate void WriteAction(ref MessagePackWriter writer);

    private static string Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        Assert.Equal(buffer.WrittenCount, writer.BytesWritten);
        return Convert.ToHexStringLower(buffer.WrittenSpan);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(127L, "7f")]
    [InlineData(128L, "cc80")]
    [InlineData(255L, "ccff")]
    [InlineData(256L, "cd0100")]
    [InlineData(65535L, "cdffff")]
    [InlineData(65536L, "ce00010000")]
    [InlineData(4294967295L, "ceffffffff")]
    [InlineData(4294967296L, "cf0000000100000000")]
    [InlineData(long.MaxValue, "cf7fffffffffffffff")]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]
    [InlineData(-2147483649L, "d3ffffffff7fffffff")]
    [InlineData(long.MinValue, "d38000000000000000")]
    public void MessagePack_Integer_IsWrittenInItsSmallestFormat(long value, string expectedHex) =>
        Assert.Equal(expectedHex, Encode((ref MessagePackWriter w) => w.Write(value)));

    [Fact]
    public void MessagePack_UInt64Max_IsWrittenAsUInt64() =>
        Assert.Equal("cfffffffffffffffff", Encode((ref MessagePackWriter w) => w.Write(ulong.MaxValue)));

    [Fact]
    public void MessagePack_NarrowIntegerOverloads_PickTheSameSmallestFormat()
    {
        Assert.Equal("cc80", Encode((ref MessagePackWriter w) => w.Write((byte)128)));
        Assert.Equal("d080", Encode((ref MessagePackWriter w) => w.Write((sbyte)-128)));
        Assert.Equal("05", Encode((ref MessagePackWriter w) => w.Write((short)5)));
        Assert.Equal("cdffff", Encode((ref MessagePackWriter w) => w.Write(ushort.MaxValue)));
        Assert.Equal("d280000000", Encode((ref MessagePackWriter w) => w.Write(int.MinValue)));
        Assert.Equal("ceffffffff", Encode((ref MessagePackWriter w) => w.Write(uint.MaxValue)));
    }

    [Fact]
    public void MessagePack_NilAndBooleans_AreSingleBytes()
    {
        Assert.Equal("c0", Encode((ref MessagePackWriter w) => w.WriteNil()));
        Assert.Equal("c2", Encode((ref MessagePackWriter w) => w.Write(false)));
        Assert.Equal("c3", Encode((ref MessagePackWriter w) => w.Write(true)));
        Assert.Equal("c0", Encode((ref MessagePackWriter w) => w.Write((string?)null)));
    }

    [Fact]
    public void MessagePack_Floats_KeepTheirWidth()
    {
        Assert.Equal("ca3fc00000", Encode((ref MessagePackWriter w) => w.Write(1.5f)));
        Assert.Equal("cb3ff8000000000000", Encode((ref MessagePackWriter w) => w.Write(1.5d)));
        Assert.Equal("cb" + BitConverter.DoubleToInt64Bits(double.NaN).ToString("x16", System.Globalization.CultureInfo.InvariantCulture), Encode((ref MessagePackWriter w) => w.Write(double.NaN)));
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void MessagePack_StringHeader_IsTheSmallestThatHoldsTheLength(int length, string expectedHeaderHex)
    {
        string hex = Encode((ref MessagePackWriter w) => w.Write(new string('x', length)));
        Assert.StartsWith(expectedHeaderHex, hex, StringComparison.Ordinal);
        Assert.Equal((expectedHeaderHex.Length / 2) + length, hex.Length / 2);
    }

    [Fact]
    public void MessagePack_String_IsEncodedAsUtf8()
    {
        Assert.Equal("a568c3a96c6c", Encode((ref MessagePackWriter w) => w.Write("héll")));
        Assert.Equal("a4f09f8d84", Encode((ref MessagePackWriter w) => w.Write("🍄".AsSpan())));
        Assert.Equal("a3616263", Encode((ref MessagePackWriter w) => w.WriteString("abc"u8)));
    }

    [Fact]
    public void MessagePack_StringWithUnpairedSurrogate_IsRejected()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.ThrowsAny<ArgumentException>(() =>
        {
            var writer = new MessagePackWriter(buffer);
            writer.Write("a\ud800b");
        });
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")]
    public void MessagePack_BinaryHeader_IsTheSmallestThatHoldsTheLength(int length, string expectedHeaderHex)
    {
        string hex = Encode((ref MessagePackWriter w) => w.WriteBinary(new byte[length]));
        Assert.StartsWith(expectedHeaderHex, hex, StringComparison.Ordinal);
        Assert.Equal((expectedHeaderHex.Length / 2) + length, hex.Length / 2);
    }

    [Fact]
    public void MessagePack_BinaryFromMultiSegmentSequence_IsContiguousOnTheWire()
    {
        byte[] data = [1, 2, 3, 4, 5, 6, 7];
        ReadOnlySequence<byte> sequence = Support.Segments.Split(data, 3);
        Assert.Equal("c4070102030405060" + "7", Encode((ref MessagePackWriter w) => w.WriteBinary(sequence)));
    }

    [Theory]
    [InlineData(0, "90", "80")]
    [InlineData(15, "9f", "8f")]
    [InlineData(16, "dc0010", "de0010")]
    [InlineData(65535, "dcffff", "deffff")]
    [InlineData(65536, "dd00010000", "df00010000")]
    public void MessagePack_CollectionHeaders_AreTheSmallestThatHoldTheCount(int count, string arrayHex, string mapHex)
    {
        Assert.Equal(arrayHex, Encode((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        Assert.Equal(mapHex, Encode((ref MessagePackWriter w) => w.WriteMapHeader(count)));
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(0, "c70005")]
    [InlineData(3, "c70305")]
    [InlineData(17, "c71105")]
    [InlineData(255, "c7ff05")]
    [InlineData(256, "c8010005")]
    [InlineData(65535, "c8ffff05")]
    [InlineData(65536, "c90001000005")]
    public void MessagePack_ExtensionHeader_UsesFixExtOrTheSmallestExt(int length, string expectedHeaderHex)
    {
        string hex = Encode((ref MessagePackWriter w) => w.WriteExtension(5, new byte[length]));
        Assert.StartsWith(expectedHeaderHex, hex, StringComparison.Ordinal);
        Assert.Equal((expectedHeaderHex.Length / 2) + length, hex.Length / 2);
    }

    [Theory]
    [InlineData(0L, 0u, "d6ff00000000")]
    [InlineData(4294967295L, 0u, "d6ffffffffff")]
    [InlineData(4294967296L, 0u, "d7ff0000000100000000")]
    [InlineData(1L, 1u, "d7ff0000000400000001")]
    [InlineData(17179869183L, 999999999u, "d7ffee6b27ffffffffff")]
    [InlineData(17179869184L, 0u, "c70cff000000000000000400000000")]
    [InlineData(-1L, 0u, "c70cff00000000ffffffffffffffff")]
    [InlineData(-1L, 999999999u, "c70cff3b9ac9ffffffffffffffffff")]
    public void MessagePack_Timestamp_UsesThe32_64Or96BitForm(long seconds, uint nanoseconds, string expectedHex) =>
        Assert.Equal(expectedHex, Encode((ref MessagePackWriter w) => w.Write(new MessagePackTimestamp(seconds, nanoseconds))));

    [Fact]
    public void MessagePack_DateTimeOffset_IsWrittenAsTimestamp()
    {
        var when = new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(5);
        Assert.Equal("d7ff000007d06553f100", Encode((ref MessagePackWriter w) => w.Write(when)));
    }

    [Fact]
    public void MessagePack_NegativeLengths_AreRejected()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackWriter(buffer).WriteArrayHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackWriter(buffer).WriteMapHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackWriter(buffer).WriteStringHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackWriter(buffer).WriteBinaryHeader(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackWriter(buffer).WriteExtensionHeader(1, -1));
    }

    [Fact]
    public void MessagePack_DefaultWriter_ThrowsInsteadOfCrashing() =>
        Assert.Throws<InvalidOperationException>(() => default(MessagePackWriter).WriteNil());

    [Fact]
    public void MessagePack_TimestampNanosecondsOver999999999_AreRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackTimestamp(0, 1_000_000_000));
}
