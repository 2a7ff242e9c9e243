using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class MaxStreamsFrameTests
{
    // RFC 9000 §19.11: Type 0x12 (bidirectional) / 0x13 (unidirectional), Maximum Streams (i).
    private const string Known = "12 4064";

    [Fact]
    public void KnownEncoding_Bidirectional_ParsesToFields() => AssertParses<MaxStreamsFrame>(Known, f =>
    {
        Assert.True(f.Bidirectional);
        Assert.Equal(100UL, f.MaximumStreams);
    });

    [Fact]
    public void KnownEncoding_Unidirectional_ParsesToFields() => AssertParses<MaxStreamsFrame>("13 0a", f =>
    {
        Assert.False(f.Bidirectional);
        Assert.Equal(10UL, f.MaximumStreams);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<MaxStreamsFrame>(Known);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteThenParse_RoundTripsWithComputedLength(bool bidirectional) =>
        AssertRoundTrip(new MaxStreamsFrame(bidirectional, MaxStreamsFrame.MaxStreamCount), f =>
        {
            Assert.Equal(bidirectional, f.Bidirectional);
            Assert.Equal(1UL << 60, f.MaximumStreams);
        });

    [Fact]
    public void CountOfExactlyTwoToThe60_IsAccepted() =>
        AssertParses<MaxStreamsFrame>("12 d000000000000000", f => Assert.Equal(1UL << 60, f.MaximumStreams));

    [Fact]
    public void CountAboveTwoToThe60_IsAFrameEncodingError() => AssertRejected<MaxStreamsFrame>("12 d000000000000001");

    [Fact]
    public void Constructor_RejectsCountAboveTwoToThe60() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxStreamsFrame(true, (1UL << 60) + 1));
}
