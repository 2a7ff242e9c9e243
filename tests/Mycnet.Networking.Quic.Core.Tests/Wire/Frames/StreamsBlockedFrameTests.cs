using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class StreamsBlockedFrameTests
{
    // RFC 9000 §19.14: Type 0x16 (bidirectional) / 0x17 (unidirectional), Maximum Streams (i).
    private const string Known = "16 4064";

    [Fact]
    public void KnownEncoding_Bidirectional_ParsesToFields() => AssertParses<StreamsBlockedFrame>(Known, f =>
    {
        Assert.True(f.Bidirectional);
        Assert.Equal(100UL, f.MaximumStreams);
    });

    [Fact]
    public void KnownEncoding_Unidirectional_ParsesToFields() => AssertParses<StreamsBlockedFrame>("17 0a", f =>
    {
        Assert.False(f.Bidirectional);
        Assert.Equal(10UL, f.MaximumStreams);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<StreamsBlockedFrame>(Known);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteThenParse_RoundTripsWithComputedLength(bool bidirectional) =>
        AssertRoundTrip(new StreamsBlockedFrame(bidirectional, StreamsBlockedFrame.MaxStreamCount), f =>
        {
            Assert.Equal(bidirectional, f.Bidirectional);
            Assert.Equal(1UL << 60, f.MaximumStreams);
        });

    [Fact]
    public void CountOfExactlyTwoToThe60_IsAccepted() =>
        AssertParses<StreamsBlockedFrame>("16 d000000000000000", f => Assert.Equal(1UL << 60, f.MaximumStreams));

    [Fact]
    public void CountAboveTwoToThe60_IsAFrameEncodingError() => AssertRejected<StreamsBlockedFrame>("16 d000000000000001");

    [Fact]
    public void Constructor_RejectsCountAboveTwoToThe60() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamsBlockedFrame(true, (1UL << 60) + 1));
}
