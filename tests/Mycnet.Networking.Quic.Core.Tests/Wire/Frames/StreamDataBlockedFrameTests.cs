using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class StreamDataBlockedFrameTests
{
    // RFC 9000 §19.13: Type 0x15, Stream ID (i), Maximum Stream Data (i).
    private const string Known = "15 08 7fff";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<StreamDataBlockedFrame>(Known, f =>
    {
        Assert.Equal(8UL, f.StreamId);
        Assert.Equal(16383UL, f.MaximumStreamData);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<StreamDataBlockedFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new StreamDataBlockedFrame(2, 0), f =>
        {
            Assert.Equal(2UL, f.StreamId);
            Assert.Equal(0UL, f.MaximumStreamData);
        });
}
