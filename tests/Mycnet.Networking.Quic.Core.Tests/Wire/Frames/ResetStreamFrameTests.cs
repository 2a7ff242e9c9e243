using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class ResetStreamFrameTests
{
    // RFC 9000 §19.4: Type 0x04, Stream ID (i), Application Protocol Error Code (i), Final Size (i).
    private const string Known = "04 04 4100 4400";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<ResetStreamFrame>(Known, f =>
    {
        Assert.Equal(4UL, f.StreamId);
        Assert.Equal(0x100UL, f.ApplicationErrorCode);
        Assert.Equal(0x400UL, f.FinalSize);
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<ResetStreamFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new ResetStreamFrame(VarInt.MaxValue, 1UL << 40, 70000), f =>
        {
            Assert.Equal(VarInt.MaxValue, f.StreamId);
            Assert.Equal(1UL << 40, f.ApplicationErrorCode);
            Assert.Equal(70000UL, f.FinalSize);
        });
}
