using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class StreamFrameTests
{
    // RFC 9000 §19.8: Type 0x0e (OFF|LEN), Stream ID (i) = 4, Offset (i) = 1024, Length (i) = 5, Stream Data.
    private const string Known = "0e 04 4400 05 68656c6c6f";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<StreamFrame>(Known, f =>
    {
        Assert.Equal(4UL, f.StreamId);
        Assert.Equal(1024UL, f.Offset);
        Assert.Equal("hello"u8.ToArray(), f.Data.ToArray());
        Assert.False(f.Fin);
        Assert.True(f.HasLength);
        Assert.Equal(1029UL, f.EndOffset);
    });

    [Fact]
    public void KnownEncoding_LenAndFinWithoutOffset_StartsAtZero() => AssertParses<StreamFrame>("0b 08 03 616263", f =>
    {
        Assert.Equal(8UL, f.StreamId);
        Assert.Equal(0UL, f.Offset);
        Assert.True(f.Fin);
        Assert.Equal("abc"u8.ToArray(), f.Data.ToArray());
    });

    [Fact]
    public void WithoutLenBit_DataRunsToTheEndOfThePacket() => AssertParses<StreamFrame>("0d 04 4400 616263", f =>
    {
        Assert.False(f.HasLength);
        Assert.True(f.Fin);
        Assert.Equal(1024UL, f.Offset);
        Assert.Equal("abc"u8.ToArray(), f.Data.ToArray());
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly()
    {
        AssertTruncatedPrefixesFail<StreamFrame>(Known);
        AssertTruncatedPrefixesFail<StreamFrame>("0f 04 4400 05 68656c6c6f");
    }

    [Theory]
    [InlineData(0UL, false, true)]
    [InlineData(0UL, true, true)]
    [InlineData(1UL << 40, true, true)]
    [InlineData(77UL, false, false)]
    [InlineData(0UL, true, false)]
    public void WriteThenParse_RoundTripsWithComputedLength(ulong offset, bool fin, bool hasLength)
    {
        byte[] data = new byte[200];
        new Random(8).NextBytes(data);
        AssertRoundTrip(new StreamFrame(1UL << 20, offset, data, fin, hasLength), f =>
        {
            Assert.Equal(1UL << 20, f.StreamId);
            Assert.Equal(offset, f.Offset);
            Assert.Equal(fin, f.Fin);
            Assert.Equal(hasLength, f.HasLength);
            Assert.Equal(data, f.Data.ToArray());
        });
    }

    [Fact]
    public void OffsetPlusLengthAboveTwoToThe62_IsAFrameEncodingError()
    {
        AssertRejected<StreamFrame>("0e 04 ffffffffffffffff 01 00");
        AssertRejected<StreamFrame>("0c 04 ffffffffffffffff 00");
    }

    [Fact]
    public void OffsetAtTheLimitWithNoData_IsAccepted() =>
        AssertParses<StreamFrame>("0e 04 ffffffffffffffff 00", f => Assert.Equal(VarInt.MaxValue, f.EndOffset));

    [Fact]
    public void LengthBeyondThePacket_IsRejected() => AssertRejected<StreamFrame>("0a 04 05 6869");

    [Fact]
    public void WriteHeader_OmitsOffsetZeroAndSetsFlagBits()
    {
        byte[] buffer = new byte[16];
        var writer = new WireWriter(buffer);
        StreamFrame.WriteHeader(ref writer, 4, 0, 3, fin: true, includeLength: true);
        Assert.Equal(Hex("0b 04 03"), writer.Written.ToArray());
        Assert.Equal(3, StreamFrame.GetHeaderLength(4, 0, 3, includeLength: true));
    }

    [Fact]
    public void WriteHeader_RejectsOffsetPlusLengthAboveTwoToThe62() =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
        {
            var writer = new WireWriter(new byte[32]);
            StreamFrame.WriteHeader(ref writer, 0, VarInt.MaxValue, 1, fin: false, includeLength: true);
        });

    [Fact]
    public void HeaderThenCopiedData_ParsesAsTheFrame()
    {
        byte[] data = "stream bytes"u8.ToArray();
        byte[] buffer = new byte[StreamFrame.GetHeaderLength(9, 500, data.Length, true) + data.Length];
        var writer = new WireWriter(buffer);
        StreamFrame.WriteHeader(ref writer, 9, 500, data.Length, fin: true, includeLength: true);
        data.CopyTo(writer.Free);
        writer.Advance(data.Length);
        AssertReparses<StreamFrame>(buffer, f =>
        {
            Assert.Equal(9UL, f.StreamId);
            Assert.Equal(500UL, f.Offset);
            Assert.True(f.Fin);
            Assert.Equal(data, f.Data.ToArray());
        });
    }

    [Theory]
    [InlineData(0UL, 0UL, true)]
    [InlineData(4UL, 0UL, false)]
    [InlineData(1UL << 40, 1UL << 35, true)]
    [InlineData(63UL, 16383UL, true)]
    [InlineData(7UL, 1000UL, false)]
    public void GetMaxDataLength_IsTheLargestLengthThatFits(ulong streamId, ulong offset, bool includeLength)
    {
        for (int available = 0; available < 20000; available += available < 200 ? 1 : 89)
        {
            int max = StreamFrame.GetMaxDataLength(streamId, offset, available, includeLength);
            if (max < 0)
            {
                Assert.True(StreamFrame.GetHeaderLength(streamId, offset, 0, includeLength) > available);
                continue;
            }

            Assert.True(StreamFrame.GetHeaderLength(streamId, offset, max, includeLength) + max <= available, $"{max} fits in {available}");
            Assert.True(StreamFrame.GetHeaderLength(streamId, offset, max + 1, includeLength) + max + 1 > available, $"{max + 1} does not fit in {available}");
        }
    }

    [Fact]
    public void GetMaxDataLength_IsCappedByTheOffsetLimit() =>
        Assert.Equal(5, StreamFrame.GetMaxDataLength(0, VarInt.MaxValue - 5, 1200, includeLength: true));
}
