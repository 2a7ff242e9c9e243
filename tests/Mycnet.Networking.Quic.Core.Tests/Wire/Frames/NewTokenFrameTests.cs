using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class NewTokenFrameTests
{
    // RFC 9000 §19.7: Type 0x07, Token Length (i), Token (..).
    private const string Known = "07 04 deadbeef";

    [Fact]
    public void KnownEncoding_ParsesToFields() =>
        AssertParses<NewTokenFrame>(Known, f => Assert.Equal(Hex("deadbeef"), f.Token.ToArray()));

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<NewTokenFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength()
    {
        byte[] token = new byte[100];
        new Random(7).NextBytes(token);
        AssertRoundTrip(new NewTokenFrame(token), f => Assert.Equal(token, f.Token.ToArray()));
    }

    [Fact]
    public void EmptyToken_IsAFrameEncodingError() => AssertRejected<NewTokenFrame>("07 00");

    [Fact]
    public void Constructor_RejectsAnEmptyToken() => Assert.Throws<ArgumentException>(() => { _ = new NewTokenFrame(default); });
}
