using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class ConnectionCloseFrameTests
{
    // RFC 9000 §19.19: Type 0x1c, Error Code (i) = FRAME_ENCODING_ERROR, Frame Type (i) = CRYPTO, Reason Phrase Length (i), Reason Phrase.
    private const string KnownTransport = "1c 07 06 03 626164";

    // Type 0x1d, Error Code (i) = 0x100, Reason Phrase Length (i) = 0.
    private const string KnownApplication = "1d 4100 00";

    [Fact]
    public void KnownEncoding_Transport_ParsesToFields() => AssertParses<ConnectionCloseFrame>(KnownTransport, f =>
    {
        Assert.False(f.IsApplicationError);
        Assert.Equal((ulong)TransportErrorCode.FrameEncodingError, f.ErrorCode);
        Assert.Equal(FrameType.Crypto, f.TriggeringFrameType);
        Assert.Equal("bad"u8.ToArray(), f.ReasonPhrase.ToArray());
    });

    [Fact]
    public void KnownEncoding_Application_ParsesToFields() => AssertParses<ConnectionCloseFrame>(KnownApplication, f =>
    {
        Assert.True(f.IsApplicationError);
        Assert.Equal(0x100UL, f.ErrorCode);
        Assert.Equal(0UL, f.TriggeringFrameType);
        Assert.True(f.ReasonPhrase.IsEmpty);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly()
    {
        AssertTruncatedPrefixesFail<ConnectionCloseFrame>(KnownTransport);
        AssertTruncatedPrefixesFail<ConnectionCloseFrame>(KnownApplication);
    }

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength()
    {
        AssertRoundTrip(ConnectionCloseFrame.Transport((ulong)TransportErrorCode.ProtocolViolation, FrameType.Stream, "no"u8), f =>
        {
            Assert.False(f.IsApplicationError);
            Assert.Equal((ulong)TransportErrorCode.ProtocolViolation, f.ErrorCode);
            Assert.Equal(FrameType.Stream, f.TriggeringFrameType);
            Assert.Equal("no"u8.ToArray(), f.ReasonPhrase.ToArray());
        });
        AssertRoundTrip(ConnectionCloseFrame.Application(1UL << 50, new byte[500]), f =>
        {
            Assert.True(f.IsApplicationError);
            Assert.Equal(1UL << 50, f.ErrorCode);
            Assert.Equal(500, f.ReasonPhrase.Length);
        });
    }

    [Fact]
    public void ReasonLengthBeyondTheBuffer_IsAFrameEncodingError()
    {
        AssertRejected<ConnectionCloseFrame>("1d 00 05 6162");
        AssertRejected<ConnectionCloseFrame>("1c 00 00 bfffffff");
    }
}
