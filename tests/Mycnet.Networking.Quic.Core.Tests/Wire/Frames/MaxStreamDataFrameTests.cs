using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class MaxStreamDataFrameTests
{
    // RFC 9000 §19.10: Type 0x11, Stream ID (i), Maximum Stream Data (i).
    private const string Known = "11 04 4400";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<MaxStreamDataFrame>(Known, f =>
    {
        Assert.Equal(4UL, f.StreamId);
        Assert.Equal(1024UL, f.MaximumStreamData);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<MaxStreamDataFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new MaxStreamDataFrame(3, 1UL << 33), f =>
        {
            Assert.Equal(3UL, f.StreamId);
            Assert.Equal(1UL << 33, f.MaximumStreamData);
        });
}
