using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class PingFrameTests
{
    [Fact]
    public void KnownEncoding_IsTheTypeByte() => AssertParses<PingFrame>("01", _ => { });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<PingFrame>("01");

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() => Assert.Equal(Hex("01"), AssertRoundTrip(default(PingFrame)));

    [Fact]
    public void WrongType_IsRejected() => AssertRejected<PingFrame>("1e");
}
