using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class MaxDataFrameTests
{
    // RFC 9000 §19.9: Type 0x10, Maximum Data (i).
    private const string Known = "10 4400";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<MaxDataFrame>(Known, f => Assert.Equal(1024UL, f.MaximumData));

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<MaxDataFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength() =>
        AssertRoundTrip(new MaxDataFrame(VarInt.MaxValue), f => Assert.Equal(VarInt.MaxValue, f.MaximumData));
}
