using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class RetireConnectionIdFrameTests
{
    // RFC 9000 §19.16: Type 0x19, Sequence Number (i).
    private const string Known = "19 4102";

    [Fact]
    public void KnownEncoding_ParsesToFields() =>
        AssertParses<RetireConnectionIdFrame>(Known, f => Assert.Equal(0x102UL, f.SequenceNumber));

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<RetireConnectionIdFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new RetireConnectionIdFrame(12345), f => Assert.Equal(12345UL, f.SequenceNumber));
}
