using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class DatagramFrameTests
{
    // RFC 9221 §4: Type 0x31, Length (i), Datagram Data (..).
    private const string Known = "31 03 616263";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<DatagramFrame>(Known, f =>
    {
        Assert.True(f.HasLength);
        Assert.Equal("abc"u8.ToArray(), f.Data.ToArray());
    });

    [Fact]
    public void WithoutLength_DataRunsToTheEndOfThePacket() => AssertParses<DatagramFrame>("30 61626364", f =>
    {
        Assert.False(f.HasLength);
        Assert.Equal("abcd"u8.ToArray(), f.Data.ToArray());
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<DatagramFrame>(Known);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WriteThenParse_RoundTripsWithComputedLength(bool hasLength)
    {
        byte[] data = new byte[1000];
        new Random(9).NextBytes(data);
        AssertRoundTrip(new DatagramFrame(data, hasLength), f =>
        {
            Assert.Equal(hasLength, f.HasLength);
            Assert.Equal(data, f.Data.ToArray());
        });
    }

    [Fact]
    public void LengthBeyondThePacket_IsRejected() => AssertRejected<DatagramFrame>("31 05 6869");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GetMaxDataLength_IsTheLargestLengthThatFits(bool includeLength)
    {
        for (int available = 0; available < 20000; available += available < 200 ? 1 : 83)
        {
            int max = DatagramFrame.GetMaxDataLength(available, includeLength);
            if (max < 0)
            {
                Assert.True(DatagramFrame.GetHeaderLength(0, includeLength) > available);
                continue;
            }

            Assert.True(DatagramFrame.GetHeaderLength(max, includeLength) + max <= available);
            Assert.True(DatagramFrame.GetHeaderLength(max + 1, includeLength) + max + 1 > available);
        }
    }

    [Fact]
    public void HeaderThenCopiedData_ParsesAsTheFrame()
    {
        byte[] data = "datagram"u8.ToArray();
        byte[] buffer = new byte[DatagramFrame.GetHeaderLength(data.Length, true) + data.Length];
        var writer = new WireWriter(buffer);
        DatagramFrame.WriteHeader(ref writer, data.Length, includeLength: true);
        writer.WriteBytes(data);
        AssertReparses<DatagramFrame>(buffer, f => Assert.Equal(data, f.Data.ToArray()));
    }
}
