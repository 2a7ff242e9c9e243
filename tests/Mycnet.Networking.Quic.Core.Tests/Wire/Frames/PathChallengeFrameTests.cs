using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class PathChallengeFrameTests
{
    // RFC 9000 §19.17: Type 0x1a, Data (64).
    private const string Known = "1a 0102030405060708";

    [Fact]
    public void KnownEncoding_ParsesToFields() =>
        AssertParses<PathChallengeFrame>(Known, f => Assert.Equal(0x0102030405060708UL, f.Data));

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<PathChallengeFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(PathChallengeFrame.FromBytes(Hex("fffefdfcfbfaf9f8")), f => Assert.Equal(0xfffefdfcfbfaf9f8UL, f.Data));
}
