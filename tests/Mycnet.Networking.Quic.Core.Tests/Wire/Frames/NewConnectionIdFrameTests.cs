using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class NewConnectionIdFrameTests
{
    private const string Token = "00112233445566778899aabbccddeeff";

    // RFC 9000 §19.15: Type 0x18, Sequence Number (i), Retire Prior To (i), Length (8), Connection ID, Stateless Reset Token (128).
    private const string Known = "18 05 02 04 01020304 " + Token;

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<NewConnectionIdFrame>(Known, f =>
    {
        Assert.Equal(5UL, f.SequenceNumber);
        Assert.Equal(2UL, f.RetirePriorTo);
        Assert.Equal(Hex("01020304"), f.ConnectionId.ToArray());
        Assert.Equal(Hex(Token), f.StatelessResetToken.Span.ToArray());
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<NewConnectionIdFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength()
    {
        byte[] id = new byte[20];
        new Random(10).NextBytes(id);
        var token = new StatelessResetToken(Hex(Token));
        AssertRoundTrip(new NewConnectionIdFrame(1000, 1000, new ConnectionId(id), token), f =>
        {
            Assert.Equal(1000UL, f.SequenceNumber);
            Assert.Equal(1000UL, f.RetirePriorTo);
            Assert.Equal(id, f.ConnectionId.ToArray());
            Assert.Equal(token, f.StatelessResetToken);
        });
    }

    [Fact]
    public void ZeroLengthConnectionId_IsAFrameEncodingError() => AssertRejected<NewConnectionIdFrame>("18 05 02 00 " + Token);

    [Fact]
    public void ConnectionIdLongerThan20_IsAFrameEncodingError() =>
        AssertRejected<NewConnectionIdFrame>("18 05 02 15 " + new string('a', 42) + Token);

    [Fact]
    public void RetirePriorToAboveSequenceNumber_IsAFrameEncodingError() =>
        AssertRejected<NewConnectionIdFrame>("18 05 06 04 01020304 " + Token);

    [Fact]
    public void Constructor_RejectsWhatTheParserRejects()
    {
        var token = new StatelessResetToken(Hex(Token));
        Assert.Throws<ArgumentException>(() => new NewConnectionIdFrame(1, 0, ConnectionId.Empty, token));
        Assert.Throws<ArgumentException>(() => new NewConnectionIdFrame(1, 2, new ConnectionId([1]), token));
    }
}
