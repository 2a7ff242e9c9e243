using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>The hot receive-path parsers allocate nothing (measured after a warm-up).</summary>
public sealed class AllocationTests
{
    private const int Iterations = 10000;

    [Fact]
    public void ParsingAStreamFrame_AllocatesNothing()
    {
        byte[] frame = FrameTestKit.Hex("0f 04 4400 05 68656c6c6f");
        Assert.Equal(1029UL * 10, ParseStream(frame, 10));
        ulong sum = 0;
        long allocated = AllocationMeter.SteadyStateBytes(() => sum = ParseStream(frame, Iterations));
        Assert.Equal(0, allocated);
        Assert.Equal(1029UL * Iterations, sum);
    }

    [Fact]
    public void ParsingAnAckFrameAndEnumeratingItsRanges_AllocatesNothing()
    {
        PacketNumberRange[] ranges = AckFrameTests.RandomRanges(new Random(5), 40);
        byte[] frame = new byte[AckFrame.GetEncodedLength(ranges, 10, new EcnCounts(1, 2, 3))];
        var writer = new WireWriter(frame);
        AckFrame.Write(ref writer, ranges, 10, new EcnCounts(1, 2, 3));

        Assert.Equal(40, ParseAck(frame, 1));
        long count = 0;
        long allocated = AllocationMeter.SteadyStateBytes(() => count = ParseAck(frame, Iterations));
        Assert.Equal(0, allocated);
        Assert.Equal(40L * Iterations, count);
    }

    [Fact]
    public void ParsingAShortHeader_AllocatesNothing()
    {
        byte[] datagram = new byte[1200];
        var writer = new WireWriter(datagram);
        ShortHeader.Write(ref writer, [1, 2, 3, 4, 5, 6, 7, 8], false, true, 0x1234, 2);

        Assert.Equal(9, ParseShortHeader(datagram, 1));
        long sum = 0;
        long allocated = AllocationMeter.SteadyStateBytes(() => sum = ParseShortHeader(datagram, Iterations));
        Assert.Equal(0, allocated);
        Assert.Equal(9L * Iterations, sum);
    }

    [Fact]
    public void WritingStreamAndAckFrames_AllocatesNothing()
    {
        PacketNumberRange[] ranges = AckFrameTests.RandomRanges(new Random(6), 10);
        byte[] packet = new byte[1500];
        byte[] data = new byte[1000];
        Assert.True(WritePacket(packet, data, ranges, 1) > 1000);
        long written = 0;
        long allocated = AllocationMeter.SteadyStateBytes(() => written = WritePacket(packet, data, ranges, Iterations));
        Assert.Equal(0, allocated);
        Assert.True(written > 1000L * Iterations);
    }

    private static ulong ParseStream(byte[] bytes, int iterations)
    {
        ulong sum = 0;
        for (int i = 0; i < iterations; i++)
        {
            var reader = new WireReader(bytes);
            if (Frames.TryReadType(ref reader, out ulong type) && StreamFrame.TryParse(ref reader, type, out StreamFrame frame))
            {
                sum += frame.EndOffset;
            }
        }

        return sum;
    }

    private static long ParseAck(byte[] bytes, int iterations)
    {
        long count = 0;
        for (int i = 0; i < iterations; i++)
        {
            var reader = new WireReader(bytes);
            if (Frames.TryReadType(ref reader, out ulong type) && AckFrame.TryParse(ref reader, type, out AckFrame frame))
            {
                foreach (PacketNumberRange range in frame.GetRanges())
                {
                    count += range.Start <= range.End ? 1 : 0;
                }
            }
        }

        return count;
    }

    private static long ParseShortHeader(byte[] datagram, int iterations)
    {
        long sum = 0;
        for (int i = 0; i < iterations; i++)
        {
            var reader = new CoalescedPacketReader(datagram, 8);
            while (reader.TryReadNext(out PacketHeader header, out _))
            {
                sum += header.PacketNumberOffset;
            }
        }

        return sum;
    }

    private static long WritePacket(byte[] packet, byte[] data, PacketNumberRange[] ranges, int iterations)
    {
        long total = 0;
        for (int i = 0; i < iterations; i++)
        {
            var writer = new WireWriter(packet);
            ShortHeader.Write(ref writer, [1, 2, 3, 4], false, false, 5, 1);
            int count = AckFrame.GetRangeCountThatFits(ranges, 3, null, writer.Remaining);
            AckFrame.Write(ref writer, ranges.AsSpan(0, count), 3, null);
            int fit = StreamFrame.GetMaxDataLength(4, 1000, writer.Remaining, includeLength: false);
            int length = Math.Min(fit, data.Length);
            StreamFrame.WriteHeader(ref writer, 4, 1000, length, fin: false, includeLength: false);
            data.AsSpan(0, length).CopyTo(writer.Free);
            writer.Advance(length);
            total += writer.Position;
        }

        return total;
    }
}
