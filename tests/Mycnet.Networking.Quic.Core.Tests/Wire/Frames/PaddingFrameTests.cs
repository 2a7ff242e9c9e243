using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class PaddingFrameTests
{
    [Fact]
    public void KnownEncoding_ARunOfZeros_ParsesAsOneRun() =>
        AssertParses<PaddingFrame>("00 00 00 00", f => Assert.Equal(4, f.Length));

    [Fact]
    public void Run_StopsAtTheFirstNonZeroByte()
    {
        byte[] bytes = Hex("00 00 01");
        var reader = new WireReader(bytes);
        Assert.True(Frames.TryReadType(ref reader, out ulong type));
        Assert.True(PaddingFrame.TryParse(ref reader, type, out PaddingFrame frame));
        Assert.Equal(2, frame.Length);
        Assert.Equal(2, reader.Position);
    }

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<PaddingFrame>("00");

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new PaddingFrame(37), f => Assert.Equal(37, f.Length));

    [Fact]
    public void WrongType_IsRejected() => AssertRejected<PaddingFrame>("01");
}
