using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class WireReaderTests
{
    [Fact]
    public void FailedReads_LeaveThePositionUnchanged()
    {
        byte[] bytes = [0x00, 0x05, 0x01, 0x02];
        var reader = new WireReader(bytes);
        Assert.False(reader.TryReadUInt16LengthPrefixed(out _));
        Assert.Equal(0, reader.Position);
        Assert.True(reader.TryReadUInt16(out ushort length));
        Assert.Equal(5, length);
        Assert.False(reader.TryReadBytes(length, out _));
        Assert.Equal(2, reader.Position);
        Assert.False(reader.TryReadUInt32(out _));
        Assert.True(reader.TryReadBytes(2, out ReadOnlySpan<byte> rest));
        Assert.Equal([0x01, 0x02], rest.ToArray());
        Assert.True(reader.IsEnd);
    }

    [Fact]
    public void WriterThenReader_RoundTripsEveryWidth()
    {
        var buffer = new byte[64];
        var writer = new WireWriter(buffer);
        writer.WriteByte(0xAB);
        writer.WriteUInt16(0x1234);
        writer.WriteUInt24(0x56789A);
        writer.WriteUInt32(0xDEADBEEF);
        writer.WriteUInt64(0x0102030405060708);
        writer.WriteVarInt(1_000_000);
        writer.WriteVarIntLengthPrefixed([9, 8, 7]);
        int written = writer.Position;

        var reader = new WireReader(buffer.AsSpan(0, written));
        Assert.True(reader.TryReadByte(out byte b) && b == 0xAB);
        Assert.True(reader.TryReadUInt16(out ushort u16) && u16 == 0x1234);
        Assert.True(reader.TryReadUInt24(out uint u24) && u24 == 0x56789A);
        Assert.True(reader.TryReadUInt32(out uint u32) && u32 == 0xDEADBEEF);
        Assert.True(reader.TryReadUInt64(out ulong u64) && u64 == 0x0102030405060708);
        Assert.True(reader.TryReadVarInt(out ulong v) && v == 1_000_000);
        Assert.True(reader.TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> blob));
        Assert.Equal([9, 8, 7], blob.ToArray());
        Assert.True(reader.IsEnd);
    }

    [Fact]
    public void Writer_ThrowsWhenOutOfRoom()
    {
        var buffer = new byte[1];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new WireWriter(buffer);
            writer.WriteUInt16(1);
        });
    }
}
