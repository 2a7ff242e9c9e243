using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class DataBlockedFrameTests
{
    // RFC 9000 §19.12: Type 0x14, Maximum Data (i).
    private const string Known = "14 80010000";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<DataBlockedFrame>(Known, f => Assert.Equal(65536UL, f.MaximumData));

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<DataBlockedFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new DataBlockedFrame(63), f => Assert.Equal(63UL, f.MaximumData));
}
