using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Core.Tests.Wire.FrameTestKit;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class CryptoFrameTests
{
    // RFC 9000 §19.6: Type 0x06, Offset (i), Length (i), Crypto Data (..).
    private const string Known = "06 4400 05 68656c6c6f";

    [Fact]
    public void KnownEncoding_ParsesToFields() => AssertParses<CryptoFrame>(Known, f =>
    {
        Assert.Equal(1024UL, f.Offset);
        Assert.Equal("hello"u8.ToArray(), f.Data.ToArray());
    });

    [Fact]
    public void EveryTruncatedPrefix_FailsCleanly() => AssertTruncatedPrefixesFail<CryptoFrame>(Known);

    [Fact]
    public void WriteThenParse_RoundTripsWithComputedLength()
    {
        byte[] data = new byte[300];
        new Random(6).NextBytes(data);
        AssertRoundTrip(new CryptoFrame(1UL << 31, data), f =>
        {
            Assert.Equal(1UL << 31, f.Offset);
            Assert.Equal(data, f.Data.ToArray());
        });
    }

    [Fact]
    public void OffsetPlusLengthAboveTwoToThe62_IsAFrameEncodingError() =>
        AssertRejected<CryptoFrame>("06 ffffffffffffffff 01 00");

    [Fact]
    public void OffsetAtTheLimitWithNoData_IsAccepted() =>
        AssertParses<CryptoFrame>("06 ffffffffffffffff 00", f => Assert.Equal(VarInt.MaxValue, f.Offset));

    [Fact]
    public void LengthBeyondThePacket_IsRejected() => AssertRejected<CryptoFrame>("06 00 05 6869");

    [Fact]
    public void HeaderThenCopiedData_ParsesAsTheFrame()
    {
        byte[] data = "client hello"u8.ToArray();
        byte[] buffer = new byte[CryptoFrame.GetHeaderLength(77, data.Length) + data.Length];
        var writer = new WireWriter(buffer);
        CryptoFrame.WriteHeader(ref writer, 77, data.Length);
        data.CopyTo(writer.Free);
        writer.Advance(data.Length);
        Assert.Equal(buffer.Length, writer.Position);
        AssertReparses<CryptoFrame>(buffer, f =>
        {
            Assert.Equal(77UL, f.Offset);
            Assert.Equal(data, f.Data.ToArray());
        });
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(63UL)]
    [InlineData(64UL)]
    [InlineData(1UL << 30)]
    public void GetMaxDataLength_IsTheLargestLengthThatFits(ulong offset)
    {
        for (int available = 0; available < 20000; available += available < 200 ? 1 : 97)
        {
            int max = CryptoFrame.GetMaxDataLength(offset, available);
            if (max < 0)
            {
                Assert.True(CryptoFrame.GetHeaderLength(offset, 0) > available);
                continue;
            }

            Assert.True(CryptoFrame.GetHeaderLength(offset, max) + max <= available, $"{max} fits in {available}");
            Assert.True(CryptoFrame.GetHeaderLength(offset, max + 1) + max + 1 > available, $"{max + 1} does not fit in {available}");
        }
    }
}
