using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class HandshakeDoneFrameTests
{
    [Fact]
    public void KnownEncoding_IsTheTypeByte() => AssertParses<HandshakeDoneFrame>("1e", _ => { });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<HandshakeDoneFrame>("1e");

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() => Assert.Equal(Hex("1e"), AssertRoundTrip(default(HandshakeDoneFrame)));

    [Fact]
    public void WrongType_IsRejected() => AssertRejected<HandshakeDoneFrame>("01");
}
