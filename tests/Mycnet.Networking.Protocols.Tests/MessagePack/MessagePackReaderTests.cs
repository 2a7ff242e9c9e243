using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.MessagePack;

public class MessagePackReaderTests
{
    private static MessagePackReader Reader(string hex, MessagePackReaderOptions? options = null) =>
        new(new ReadOnlySequence<byte>(Convert.FromHexString(hex)), options);

    [Theory]
    [InlineData("00", 0L)]
    [InlineData("7f", 127L)]
    [InlineData("ff", -1L)]
    [InlineData("e0", -32L)]
    [InlineData("cc80", 128L)]
    [InlineData("cd0100", 256L)]
    [InlineData("ce00010000", 65536L)]
    [InlineData("cf0000000100000000", 4294967296L)]
    [InlineData("d0df", -33L)]
    [InlineData("d1ff7f", -129L)]
    [InlineData("d2ffff7fff", -32769L)]
    [InlineData("d38000000000000000", long.MinValue)]
    [InlineData("d001", 1L)] // a positive value in a signed format
    [InlineData("cf0000000000000005", 5L)] // non-minimal encodings are accepted
    [InlineData("d3000000000000007f", 127L)]
    public void MessagePack_Integer_DecodesFromEveryFormat(string hex, long expected)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(MessagePackType.Integer, reader.NextType);
        Assert.Equal(expected, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void MessagePack_UInt64AboveInt64Max_ReadsAsUInt64AndOverflowsInt64()
    {
        MessagePackReader reader = Reader("cfffffffffffffffff");
        Assert.Equal(ulong.MaxValue, reader.ReadUInt64());

        var overflow = Assert.Throws<MessagePackException>(() => Reader("cfffffffffffffffff").ReadInt64());
        Assert.Equal(MessagePackError.Overflow, overflow.Error);
        Assert.Contains("18446744073709551615", overflow.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ff", "UInt64")]
    [InlineData("cd0100", "Byte")]
    [InlineData("d080", "Byte")]
    [InlineData("ce80000000", "Int32")]
    [InlineData("d1ff7f", "SByte")]
    [InlineData("ce00010000", "UInt16")]
    [InlineData("d38000000000000000", "Int32")]
    public void MessagePack_IntegerOutOfRangeOfTheRequestedType_IsOverflow(string hex, string type)
    {
        var ex = Assert.Throws<MessagePackException>(() =>
        {
            MessagePackReader reader = Reader(hex);
            _ = type switch
            {
                "UInt64" => (object)reader.ReadUInt64(),
                "Byte" => reader.ReadByte(),
                "Int32" => reader.ReadInt32(),
                "SByte" => reader.ReadSByte(),
                "UInt16" => reader.ReadUInt16(),
                _ => throw new InvalidOperationException(),
            };
        });
        Assert.Equal(MessagePackError.Overflow, ex.Error);
        Assert.Equal(0, ex.Offset);
    }

    [Fact]
    public void MessagePack_NarrowReads_ReturnValuesInRange()
    {
        MessagePackReader reader = Reader("ccff" + "d080" + "d18000" + "cdffff" + "d280000000" + "ceffffffff");
        Assert.Equal(byte.MaxValue, reader.ReadByte());
        Assert.Equal(sbyte.MinValue, reader.ReadSByte());
        Assert.Equal(short.MinValue, reader.ReadInt16());
        Assert.Equal(ushort.MaxValue, reader.ReadUInt16());
        Assert.Equal(int.MinValue, reader.ReadInt32());
        Assert.Equal(uint.MaxValue, reader.ReadUInt32());
        reader.EnsureEnd();
    }

    [Fact]
    public void MessagePack_FloatsAndIntegers_ReadAsDouble()
    {
        MessagePackReader reader = Reader("ca3fc00000" + "cb400921fb54442d18" + "05" + "ff" + "cfffffffffffffffff");
        Assert.Equal(1.5, reader.ReadDouble());
        Assert.Equal(Math.PI, reader.ReadDouble());
        Assert.Equal(5.0, reader.ReadDouble());
        Assert.Equal(-1.0, reader.ReadSingle());
        Assert.Equal(18446744073709551615d, reader.ReadDouble());
    }

    [Fact]
    public void MessagePack_NilBooleanAndTryReadNil()
    {
        MessagePackReader reader = Reader("c0c2c3c0");
        Assert.True(reader.IsNil);
        reader.ReadNil();
        Assert.False(reader.TryReadNil());
        Assert.False(reader.ReadBoolean());
        Assert.True(reader.ReadBoolean());
        Assert.True(reader.TryReadNil());
        Assert.True(reader.End);
        Assert.False(reader.IsNil);
    }

    [Theory]
    [InlineData("a0", "")]
    [InlineData("a3616263", "abc")]
    [InlineData("d903616263", "abc")]
    [InlineData("da0003616263", "abc")]
    [InlineData("db00000003616263", "abc")]
    [InlineData("a4f09f8d84", "🍄")]
    public void MessagePack_String_DecodesFromEveryFormat(string hex, string expected)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(MessagePackType.String, reader.NextType);
        Assert.Equal(expected, reader.ReadString());
        reader.EnsureEnd();
    }

    [Theory]
    [InlineData("c403010203")]
    [InlineData("c50003010203")]
    [InlineData("c600000003010203")]
    public void MessagePack_Binary_DecodesFromEveryFormat(string hex)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(MessagePackType.Binary, reader.NextType);
        Assert.Equal(new byte[] { 1, 2, 3 }, reader.ReadBinary().ToArray());
        reader.EnsureEnd();
    }

    [Theory]
    [InlineData("93010203", 3)]
    [InlineData("dc0003010203", 3)]
    [InlineData("dd00000003010203", 3)]
    [InlineData("90", 0)]
    public void MessagePack_ArrayHeader_DecodesFromEveryFormat(string hex, int count)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(count, reader.ReadArrayHeader());
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(i + 1, reader.ReadInt32());
        }

        reader.EnsureEnd();
    }

    [Theory]
    [InlineData("82a16101a16202")]
    [InlineData("de0002a16101a16202")]
    [InlineData("df00000002a16101a16202")]
    public void MessagePack_MapHeader_DecodesFromEveryFormat(string hex)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(2, reader.ReadMapHeader());
        Assert.Equal("a", reader.ReadString());
        Assert.Equal(1, reader.ReadInt32());
        Assert.Equal("b", reader.ReadString());
        Assert.Equal(2, reader.ReadInt32());
        reader.EnsureEnd();
    }

    [Theory]
    [InlineData("d40701", 1)]
    [InlineData("d5070102", 2)]
    [InlineData("d60701020304", 4)]
    [InlineData("d7070102030405060708", 8)]
    [InlineData("d807" + "0102030405060708090a0b0c0d0e0f10", 16)]
    [InlineData("c70007", 0)]
    [InlineData("c7030701020" + "3", 3)]
    [InlineData("c800030701020" + "3", 3)]
    [InlineData("c9000000030701020" + "3", 3)]
    public void MessagePack_Extension_DecodesFromEveryFormat(string hex, int length)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(MessagePackType.Extension, reader.NextType);
        ReadOnlySequence<byte> data = reader.ReadExtension(out sbyte type);
        Assert.Equal(7, type);
        Assert.Equal(Enumerable.Range(1, length).Select(i => (byte)i).ToArray(), data.ToArray());
        reader.EnsureEnd();
    }

    [Theory]
    [InlineData("d6ff6553f100", 1700000000L, 0u)]
    [InlineData("d7ff000007d06553f100", 1700000000L, 500u)]
    [InlineData("c70cff3b9ac9ffffffffffffffffff", -1L, 999999999u)]
    [InlineData("c70cff00000000fffffff1886e0900", -62135596800L, 0u)]
    public void MessagePack_Timestamp_DecodesAllThreeForms(string hex, long seconds, uint nanoseconds)
    {
        MessagePackReader reader = Reader(hex);
        Assert.Equal(new MessagePackTimestamp(seconds, nanoseconds), reader.ReadTimestamp());
        reader.EnsureEnd();
    }

    [Fact]
    public void MessagePack_Timestamp_ConvertsToDateTimeOffset()
    {
        MessagePackReader reader = Reader("d7ff000007d06553f100");
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, TimeSpan.Zero).AddTicks(5), reader.ReadDateTimeOffset());
    }

    [Fact]
    public void MessagePack_TimestampOutsideDateTimeOffset_IsOverflow()
    {
        var ex = Assert.Throws<MessagePackException>(() => Reader("c70cff000000007fffffffffffffff").ReadDateTimeOffset());
        Assert.Equal(MessagePackError.Overflow, ex.Error);
    }

    [Theory]
    [InlineData("d7fffffffffc00000000", "nanoseconds")] // 64-bit form with nanoseconds 0x3fffffff
    [InlineData("c70cff3b9aca00" + "0000000000000000", "nanoseconds")] // 96-bit form with 1e9 nanoseconds
    [InlineData("d5ff0000", "4, 8 or 12")]
    [InlineData("c703ff000000", "4, 8 or 12")]
    public void MessagePack_MalformedTimestamp_IsRejectedAndTheReaderStaysPut(string hex, string messagePart)
    {
        MessagePackReader reader = Reader(hex);
        try
        {
            reader.ReadTimestamp();
            Assert.Fail("expected MessagePackException");
        }
        catch (MessagePackException ex)
        {
            Assert.Equal(MessagePackError.Malformed, ex.Error);
            Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, reader.Consumed);
        Assert.Equal(MessagePackType.Extension, reader.NextType);
    }

    [Fact]
    public void MessagePack_TimestampReadOfAnotherExtension_IsTypeMismatch()
    {
        MessagePackReader reader = Reader("d40701");
        try
        {
            reader.ReadTimestamp();
            Assert.Fail("expected MessagePackException");
        }
        catch (MessagePackException ex)
        {
            Assert.Equal(MessagePackError.TypeMismatch, ex.Error);
        }

        reader.ReadExtension(out sbyte type);
        Assert.Equal(7, type);
    }

    [Fact]
    public void MessagePack_ReservedByteC1_IsMalformed()
    {
        MessagePackReader reader = Reader("c1");
        Assert.Equal(MessagePackType.Unknown, reader.NextType);
        var ex = Assert.Throws<MessagePackException>(() => Reader("c1").Skip());
        Assert.Equal(MessagePackError.Malformed, ex.Error);
        Assert.Equal(MessagePackError.Malformed, Assert.Throws<MessagePackException>(() => Reader("c1").ReadInt64()).Error);
        Assert.Equal(MessagePackError.Malformed, Assert.Throws<MessagePackException>(() => Reader("c1").ReadString()).Error);
    }

    [Theory]
    [InlineData("a2c328")] // invalid continuation
    [InlineData("a1ff")] // 0xff is never valid UTF-8
    [InlineData("a3eda080")] // an encoded surrogate
    [InlineData("a2c0af")] // overlong encoding of '/'
    public void MessagePack_InvalidUtf8String_IsMalformed(string hex)
    {
        var ex = Assert.Throws<MessagePackException>(() => Reader(hex).ReadString());
        Assert.Equal(MessagePackError.Malformed, ex.Error);
        Assert.Contains("UTF-8", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a161", "integer")]
    [InlineData("01", "string")]
    [InlineData("c0", "bool")]
    [InlineData("90", "map")]
    [InlineData("80", "array")]
    [InlineData("c3", "binary")]
    [InlineData("c403010203", "extension")]
    [InlineData("a161", "float")]
    [InlineData("01", "nil")]
    public void MessagePack_ReadOfTheWrongType_IsTypeMismatchAndConsumesNothing(string hex, string asked)
    {
        MessagePackReader reader = Reader(hex);
        try
        {
            switch (asked)
            {
                case "integer": reader.ReadInt64(); break;
                case "string": reader.ReadString(); break;
                case "bool": reader.ReadBoolean(); break;
                case "map": reader.ReadMapHeader(); break;
                case "array": reader.ReadArrayHeader(); break;
                case "binary": reader.ReadBinary(); break;
                case "extension": reader.ReadExtension(out _); break;
                case "float": reader.ReadDouble(); break;
                case "nil": reader.ReadNil(); break;
            }

            Assert.Fail("expected MessagePackException");
        }
        catch (MessagePackException ex)
        {
            Assert.Equal(MessagePackError.TypeMismatch, ex.Error);
            Assert.Contains("Expected " + asked, ex.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void MessagePack_EnsureEnd_RejectsTrailingBytesAndUnfinishedCollections()
    {
        var trailing = Assert.Throws<MessagePackException>(() =>
        {
            MessagePackReader reader = Reader("0102");
            reader.ReadInt32();
            reader.EnsureEnd();
        });
        Assert.Equal(MessagePackError.Malformed, trailing.Error);

        var unfinished = Assert.Throws<MessagePackException>(() =>
        {
            MessagePackReader reader = Reader("920102");
            reader.ReadArrayHeader();
            reader.ReadInt32();
            Assert.Equal(1, reader.Depth);
            reader.EnsureEnd();
        });
        Assert.Equal(MessagePackError.Truncated, unfinished.Error);
    }

    [Fact]
    public void MessagePack_Depth_FollowsNestingAndPopsWhenCollectionsComplete()
    {
        // [1, [2, {"a": [3]}], 4]
        MessagePackReader reader = Reader("9301" + "9202" + "81a161" + "9103" + "04");
        Assert.Equal(3, reader.ReadArrayHeader());
        Assert.Equal(1, reader.Depth);
        reader.ReadInt32();
        Assert.Equal(2, reader.ReadArrayHeader());
        Assert.Equal(2, reader.Depth);
        reader.ReadInt32();
        Assert.Equal(1, reader.ReadMapHeader());
        Assert.Equal(3, reader.Depth);
        reader.ReadString();
        Assert.Equal(1, reader.ReadArrayHeader());
        Assert.Equal(4, reader.Depth);
        reader.ReadInt32();
        Assert.Equal(1, reader.Depth); // the inner array, the map and the second array all completed
        Assert.Equal(4, reader.ReadInt32());
        Assert.Equal(0, reader.Depth);
        reader.EnsureEnd();
    }

    [Fact]
    public void MessagePack_Skip_SkipsWholeNestedValues()
    {
        // {"a": [1, {"b": "c"}, bin(2), ext], "d": ts32}, 7
        string hex = "82" + "a161" + "94" + "01" + "81a162a163" + "c4020102" + "d40101" + "a164" + "d6ff00000001" + "07";
        MessagePackReader reader = Reader(hex);
        reader.Skip();
        Assert.Equal(0, reader.Depth);
        Assert.Equal(7, reader.ReadInt32());
        reader.EnsureEnd();
    }

    [Fact]
    public void MessagePack_ReadRawValue_ReturnsTheBytesOfOneValue()
    {
        MessagePackReader reader = Reader("92a1610203");
        Assert.Equal("92a16102", Convert.ToHexStringLower(reader.ReadRawValue().ToArray()));
        Assert.Equal(3, reader.ReadInt32());
    }

    [Fact]
    public void MessagePack_ReadStringSequence_ReturnsRawUtf8WithoutDecoding()
    {
        MessagePackReader reader = Reader("a2c328");
        Assert.Equal(new byte[] { 0xc3, 0x28 }, reader.ReadStringSequence().ToArray());
    }

    [Fact]
    public void MessagePack_ReadNullableString_ReturnsNullForNil()
    {
        MessagePackReader reader = Reader("c0a161");
        Assert.Null(reader.ReadNullableString());
        Assert.Equal("a", reader.ReadNullableString());
    }

    [Fact]
    public void MessagePack_ReadStringAcrossSegments_Decodes()
    {
        byte[] bytes = Convert.FromHexString("aa" + Convert.ToHexString("h\u00e9llo🍄"u8));
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            var reader = new MessagePackReader(Segments.SplitAt(bytes, cut, cut + 1));
            Assert.Equal("héllo🍄", reader.ReadString());
        }
    }

    [Fact]
    public void MessagePack_OptionsOutOfRange_AreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReader(ReadOnlyMemory<byte>.Empty, new MessagePackReaderOptions { MaxDepth = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReader(ReadOnlyMemory<byte>.Empty, new MessagePackReaderOptions { MaxDepth = 65 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReaderOptions { MaxStringLength = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReaderOptions { MaxCollectionLength = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReaderOptions { MaxBinaryLength = -1 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReaderOptions { MaxExtensionLength = -1 }.Validate());
    }
}
