using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class AckFrameTests
{
    // RFC 9000 §19.3: Type 0x02, Largest Acknowledged (i) = 200, ACK Delay (i) = 25, ACK Range Count (i) = 2,
    // First ACK Range (i) = 3 → [197, 200]; (Gap 1, Length 0) → [194, 194]; (Gap 0, Length 2) → [190, 192].
    private const string Known = "02 40c8 19 02 03 01 00 00 02";

    // The same with type 0x03 and ECN counts ECT0 = 1, ECT1 = 2, CE = 0x100.
    private const string KnownEcn = "03 40c8 19 02 03 01 00 00 02 01 02 4100";

    private static readonly PacketNumberRange[] KnownRanges = [new(197, 200), new(194, 194), new(190, 192)];

    [Fact]
    public void KnownEncoding_ParsesToFieldsAndRanges() => AssertParses<AckFrame>(Known, f =>
    {
        Assert.Equal(200UL, f.LargestAcknowledged);
        Assert.Equal(25UL, f.AckDelay);
        Assert.Equal(3UL, f.FirstRange);
        Assert.Equal(2, f.AdditionalRangeCount);
        Assert.Equal(3, f.RangeCount);
        Assert.Null(f.Ecn);
        Assert.Equal(KnownRanges, Collect(f));
        Assert.Equal(190UL, f.SmallestAcknowledged);
    });

    [Fact]
    public void KnownEncoding_WithEcn_ParsesTheCounts() => AssertParses<AckFrame>(KnownEcn, f =>
    {
        Assert.Equal(new EcnCounts(1, 2, 0x100), f.Ecn);
        Assert.Equal(KnownRanges, Collect(f));
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly()
    {
        AssertTruncatedPrefixesFail<AckFrame>(Known);
        AssertTruncatedPrefixesFail<AckFrame>(KnownEcn);
    }

    [Fact]
    public void WriteFromRanges_ProducesTheKnownEncoding()
    {
        byte[] buffer = new byte[64];
        var writer = new WireWriter(buffer);
        AckFrame.Write(ref writer, KnownRanges, 25, null);
        Assert.Equal(Hex(Known), writer.Written.ToArray());
        Assert.Equal(writer.Position, AckFrame.GetEncodedLength(KnownRanges, 25, null));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, true)]
    [InlineData(50, false)]
    [InlineData(300, true)]
    public void WriteThenParse_RoundTripsWithComputedLength(int rangeCount, bool withEcn)
    {
        PacketNumberRange[] ranges = RandomRanges(new Random(rangeCount), rangeCount);
        EcnCounts? ecn = withEcn ? new EcnCounts(5, 0, 1UL << 40) : null;
        int length = AckFrame.GetEncodedLength(ranges, 1000, ecn);
        byte[] buffer = new byte[length + 8];
        var writer = new WireWriter(buffer);
        AckFrame.Write(ref writer, ranges, 1000, ecn);
        Assert.Equal(length, writer.Position);

        AssertReparses<AckFrame>(buffer.AsSpan(0, length).ToArray(), f =>
        {
            Assert.Equal(ranges[0].End, f.LargestAcknowledged);
            Assert.Equal(1000UL, f.AckDelay);
            Assert.Equal(rangeCount, f.RangeCount);
            Assert.Equal(ecn, f.Ecn);
            Assert.Equal(ranges, Collect(f));
        });
    }

    [Fact]
    public void RangeReachingPacketZero_IsAccepted() =>
        AssertParses<AckFrame>("02 0a 00 01 02 00 06", f => Assert.Equal([new(8, 10), new PacketNumberRange(0, 6)], Collect(f)));

    [Fact]
    public void FirstRangeAboveLargest_IsAFrameEncodingError() => AssertRejected<AckFrame>("02 05 00 00 06");

    [Fact]
    public void GapBelowZero_IsAFrameEncodingError() => AssertRejected<AckFrame>("02 05 00 01 02 02 00");

    [Fact]
    public void RangeBelowZero_IsAFrameEncodingError() => AssertRejected<AckFrame>("02 0a 00 01 02 00 07");

    [Fact]
    public void RangeCountBeyondTheBuffer_IsRejectedWithoutLooping() => AssertRejected<AckFrame>("02 0a 00 bfffffff 00 00 00");

    [Fact]
    public void GetRangeCountThatFits_KeepsTheHighestRangesThatFit()
    {
        PacketNumberRange[] ranges = RandomRanges(new Random(11), 100);
        int full = AckFrame.GetEncodedLength(ranges, 7, null);
        Assert.Equal(100, AckFrame.GetRangeCountThatFits(ranges, 7, null, full));
        Assert.Equal(0, AckFrame.GetRangeCountThatFits(ranges, 7, null, AckFrame.GetEncodedLength(ranges[..1], 7, null) - 1));

        for (int available = 0; available <= full; available++)
        {
            int count = AckFrame.GetRangeCountThatFits(ranges, 7, null, available);
            if (count > 0)
            {
                Assert.True(AckFrame.GetEncodedLength(ranges[..count], 7, null) <= available);
            }

            if (count < ranges.Length)
            {
                Assert.True(AckFrame.GetEncodedLength(ranges[..(count + 1)], 7, null) > available);
            }
        }
    }

    [Fact]
    public void GetRangeCountThatFits_AccountsForTheRangeCountFieldGrowing()
    {
        // 64 ranges need a two-byte ACK Range Count (63 additional ranges fit in one byte, 64 do not).
        PacketNumberRange[] ranges = new PacketNumberRange[66];
        for (int i = 0; i < ranges.Length; i++)
        {
            ulong end = (ulong)(1000 - (i * 3));
            ranges[i] = new PacketNumberRange(end, end);
        }

        int with64 = AckFrame.GetEncodedLength(ranges[..64], 0, null);
        int with65 = AckFrame.GetEncodedLength(ranges[..65], 0, null);
        Assert.Equal(3, with65 - with64); // one pair (2 bytes) plus the count growing to 2 bytes
        Assert.Equal(64, AckFrame.GetRangeCountThatFits(ranges, 0, null, with65 - 1));
        Assert.Equal(65, AckFrame.GetRangeCountThatFits(ranges, 0, null, with65));
    }

    [Fact]
    public void Write_RejectsRangesThatAreNotDescendingAndDisjoint()
    {
        Assert.Throws<ArgumentException>(() => AckFrame.GetEncodedLength([], 0, null));
        Assert.Throws<ArgumentException>(() => AckFrame.GetEncodedLength([new(5, 9), new(3, 4)], 0, null)); // adjacent
        Assert.Throws<ArgumentException>(() => AckFrame.GetEncodedLength([new(5, 9), new(7, 20)], 0, null)); // ascending
        Assert.Throws<ArgumentException>(() => AckFrame.GetEncodedLength([new(9, 5)], 0, null)); // inverted
    }

    [Fact]
    public void AckDelay_ScalesByTheExponentAndSaturates()
    {
        Assert.Equal(TimeSpan.FromMicroseconds(25 * 8), AckFrame.DecodeAckDelay(25, 3));
        Assert.Equal(TimeSpan.MaxValue, AckFrame.DecodeAckDelay(VarInt.MaxValue, 20));
        Assert.Equal(25UL, AckFrame.EncodeAckDelay(TimeSpan.FromMicroseconds(203), 3));
        Assert.Equal(0UL, AckFrame.EncodeAckDelay(TimeSpan.FromMicroseconds(-5), 3));
    }

    internal static PacketNumberRange[] RandomRanges(Random random, int count)
    {
        var ranges = new PacketNumberRange[count];
        ulong end = (ulong)random.NextInt64(1L << 20, 1L << 40);
        for (int i = 0; i < count; i++)
        {
            ulong length = (ulong)random.Next(0, i % 7 == 0 ? 100_000 : 30);
            ulong start = end - length;
            ranges[i] = new PacketNumberRange(start, end);
            end = start - 2 - (ulong)random.Next(0, i % 5 == 0 ? 100_000 : 40);
        }

        return ranges;
    }

    private static List<PacketNumberRange> Collect(AckFrame frame)
    {
        var list = new List<PacketNumberRange>();
        foreach (PacketNumberRange range in frame.GetRanges())
        {
            list.Add(range);
        }

        return list;
    }
}
