using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.MessagePack;

public class MessagePackTruncatedAndLimitTests
{
    /// <summary>One value of every format (and a nested document), hex-encoded.</summary>
    public static TheoryData<string> EveryFormat() => new()
    {
        "c0", "c3", "7f", "e0", "cc80", "cd0100", "ce00010000", "cf0000000100000000",
        "d0df", "d1ff7f", "d2ffff7fff", "d38000000000000000", "ca3fc00000", "cb3ff8000000000000",
        "a3616263", "d903616263", "da0003616263", "db00000003616263",
        "c403010203", "c50003010203", "c600000003010203",
        "93010203", "dc0003010203", "dd00000003010203",
        "82a16101a16202", "de0002a16101a16202", "df00000002a16101a16202",
        "d40701", "d5070102", "d60701020304", "d7070102030405060708", "d8070102030405060708090a0b0c0d0e0f10",
        "c703070102" + "03", "c80003070102" + "03", "c900000003070102" + "03",
        "d6ff6553f100", "d7ff000007d06553f100", "c70cff3b9ac9ffffffffffffffffff",
        "82a161940181a162a163c4020102d40101a164d6ff00000001",
    };

    [Theory]
    [MemberData(nameof(EveryFormat))]
    public void MessagePack_EveryTruncatedPrefix_IsRejectedAsTruncated(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        MpValue.Decode(bytes); // the whole value decodes
        for (int length = 0; length < bytes.Length; length++)
        {
            byte[] prefix = bytes[..length];
            var ex = Assert.Throws<MessagePackException>(() => MpValue.Decode(prefix));
            Assert.Equal(MessagePackError.Truncated, ex.Error);
            Assert.Contains("offset", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(EveryFormat))]
    public void MessagePack_ValueSplitAtEveryByte_DecodesTheSame(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        MpValue expected = MpValue.Decode(bytes);
        for (int cut = 1; cut < bytes.Length; cut++)
        {
            Assert.Equal(expected, MpValue.Decode(Segments.SplitAt(bytes, cut)));
        }

        Assert.Equal(expected, MpValue.Decode(Segments.Split(bytes, 1)));
    }

    [Fact]
    public void MessagePack_ForgedHugeLengths_AreTruncatedNotAllocated()
    {
        string[] forged =
        [
            "dbffffffff", // str32 of 4 GiB
            "c6ffffffff", // bin32
            "c9ffffffff07", // ext32
            "ddffffffff", // array32 of 4 billion elements
            "dfffffffff", // map32
        ];
        var generous = new MessagePackReaderOptions
        {
            MaxCollectionLength = int.MaxValue, MaxStringLength = int.MaxValue, MaxBinaryLength = int.MaxValue, MaxExtensionLength = int.MaxValue,
        };
        foreach (string hex in forged)
        {
            var ex = Assert.Throws<MessagePackException>(() => MpValue.Decode(new ReadOnlySequence<byte>(Convert.FromHexString(hex)), generous));
            Assert.True(ex.Error is MessagePackError.Truncated or MessagePackError.LimitExceeded, hex + ": " + ex.Error);
        }
    }

    [Fact]
    public void MessagePack_ArrayCountBeyondTheRemainingBytes_IsTruncatedBeforeAnyElementIsRead()
    {
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(Convert.FromHexString("dc01000102")));
        try
        {
            reader.ReadArrayHeader();
            Assert.Fail("expected MessagePackException");
        }
        catch (MessagePackException ex)
        {
            Assert.Equal(MessagePackError.Truncated, ex.Error);
            Assert.Contains("256 elements", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void MessagePack_NestingDeeperThanMaxDepth_IsLimitExceeded()
    {
        var options = new MessagePackReaderOptions { MaxDepth = 4 };
        byte[] fourDeep = Convert.FromHexString("91919191" + "01");
        Assert.IsType<MpArr>(MpValue.Decode(new ReadOnlySequence<byte>(fourDeep), options));

        byte[] fiveDeep = Convert.FromHexString("9191919191" + "01");
        var ex = Assert.Throws<MessagePackException>(() => MpValue.Decode(new ReadOnlySequence<byte>(fiveDeep), options));
        Assert.Equal(MessagePackError.LimitExceeded, ex.Error);
        Assert.Contains("Nesting", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4, ex.Offset);
    }

    [Fact]
    public void MessagePack_EmptyCollectionsAtTheDepthLimit_AreAllowed()
    {
        var options = new MessagePackReaderOptions { MaxDepth = 1 };
        Assert.IsType<MpArr>(MpValue.Decode(new ReadOnlySequence<byte>(Convert.FromHexString("929080")), options));
    }

    [Fact]
    public void MessagePack_SkipOfADeepBomb_StopsAtTheDepthLimitWithoutRecursing()
    {
        byte[] bomb = Enumerable.Repeat((byte)0x91, 100_000).Append((byte)0x01).ToArray();
        var ex = Assert.Throws<MessagePackException>(() =>
        {
            var reader = new MessagePackReader(new ReadOnlySequence<byte>(bomb), new MessagePackReaderOptions { MaxDepth = 64 });
            reader.Skip();
        });
        Assert.Equal(MessagePackError.LimitExceeded, ex.Error);
    }

    [Theory]
    [InlineData("a3616263", "string")]
    [InlineData("c403010203", "binary")]
    [InlineData("c70307010203", "extension")]
    [InlineData("93010203", "array")]
    [InlineData("83010203040506", "map")]
    public void MessagePack_LengthsOverTheLimit_AreLimitExceeded(string hex, string what)
    {
        var options = new MessagePackReaderOptions { MaxStringLength = 2, MaxBinaryLength = 2, MaxExtensionLength = 2, MaxCollectionLength = 2 };
        var ex = Assert.Throws<MessagePackException>(() => MpValue.Decode(new ReadOnlySequence<byte>(Convert.FromHexString(hex)), options));
        Assert.Equal(MessagePackError.LimitExceeded, ex.Error);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MessagePack_LengthsAtTheLimit_AreAccepted()
    {
        var options = new MessagePackReaderOptions { MaxStringLength = 3, MaxBinaryLength = 3, MaxExtensionLength = 3, MaxCollectionLength = 3 };
        foreach (string hex in new[] { "a3616263", "c403010203", "c70307010203", "93010203", "83010203040506" })
        {
            MpValue.Decode(new ReadOnlySequence<byte>(Convert.FromHexString(hex)), options);
        }
    }

    [Fact]
    public void MessagePack_EmptyInput_IsTruncated()
    {
        var ex = Assert.Throws<MessagePackException>(() => MpValue.Decode([]));
        Assert.Equal(MessagePackError.Truncated, ex.Error);
    }

    [Fact]
    public void MessagePack_RandomGarbage_NeverThrowsAnythingButMessagePackException()
    {
        var random = new Random(20260101);
        for (int i = 0; i < 20_000; i++)
        {
            byte[] garbage = new byte[random.Next(0, 40)];
            random.NextBytes(garbage);
            try
            {
                MpValue.Decode(new ReadOnlySequence<byte>(garbage), new MessagePackReaderOptions { MaxDepth = 8 });
            }
            catch (MessagePackException)
            {
                // the only acceptable failure
            }
        }
    }
}
