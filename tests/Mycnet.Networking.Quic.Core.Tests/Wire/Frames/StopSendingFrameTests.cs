using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class StopSendingFrameTests
{
    // RFC 9000 §19.5: Type 0x05, Stream ID (i), Application Protocol Error Code (i).
    private const string Known = "05 04 4100";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<StopSendingFrame>(Known, f =>
    {
        Assert.Equal(4UL, f.StreamId);
        Assert.Equal(0x100UL, f.ApplicationErrorCode);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<StopSendingFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new StopSendingFrame(17, 99), f =>
        {
            Assert.Equal(17UL, f.StreamId);
            Assert.Equal(99UL, f.ApplicationErrorCode);
        });
}
