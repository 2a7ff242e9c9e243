using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Benchmarks.Quic;

/// <summary>
/// Frame parsing (RFC 9000 §19) as the receive path does it: read the frame type, then the frame's
/// TryParse over the decrypted payload. Parsing is zero-copy (data and ACK ranges stay spans of
/// the packet), so every benchmark must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class FrameParsingBenchmarks
{
    private byte[] _stream = null!;
    private byte[] _ack = null!;
    private byte[] _mixed = null!;

    /// <summary>ACK ranges in the ACK frame (1 = a contiguous ACK; more = gaps from loss or reordering).</summary>
    [Params(1, 32)]
    public int AckRanges { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] data = new byte[1150];
        new Random(7).NextBytes(data);
        _stream = Build((ref WireWriter w) => new StreamFrame(4, 123_456_789, data, fin: false).Write(ref w));
        _ack = Build((ref WireWriter w) => WriteAck(ref w, 1_000_000, AckRanges));
        _mixed = BuildMixed1RttPayload(AckRanges);
    }

    /// <summary>One STREAM frame with offset, length and 1150 bytes of data (a full packet's worth).</summary>
    [Benchmark]
    public int ParseStream()
    {
        var reader = new WireReader(_stream);
        if (!Frames.TryReadType(ref reader, out ulong type) || !StreamFrame.TryParse(ref reader, type, out StreamFrame frame))
        {
            throw new InvalidOperationException("STREAM did not parse.");
        }

        return frame.Data.Length + (int)frame.StreamId;
    }

    /// <summary>One ACK frame, then its ranges walked as loss detection walks them.</summary>
    [Benchmark]
    public ulong ParseAckAndWalkRanges()
    {
        var reader = new WireReader(_ack);
        if (!Frames.TryReadType(ref reader, out ulong type) || !AckFrame.TryParse(ref reader, type, out AckFrame ack))
        {
            throw new InvalidOperationException("ACK did not parse.");
        }

        ulong acknowledged = 0;
        foreach (PacketNumberRange range in ack.GetRanges())
        {
            acknowledged += range.Count;
        }

        return acknowledged;
    }

    /// <summary>
    /// A 1-RTT payload as a bulk receiver sees it: ACK (with the ranges parameter), MAX_DATA,
    /// MAX_STREAM_DATA, two STREAM frames (the second without a length), parsed frame by frame
    /// through a dispatch on the type like the connection's.
    /// </summary>
    [Benchmark]
    public int ParseMixed1RttPayload()
    {
        var reader = new WireReader(_mixed);
        int frames = 0;
        while (!reader.IsEnd)
        {
            if (!Frames.TryReadType(ref reader, out ulong type) || !Frames.IsAllowed(type, PacketType.OneRtt) || !ParseOne(ref reader, type))
            {
                throw new InvalidOperationException($"Frame 0x{type:x} did not parse.");
            }

            frames++;
        }

        return frames;
    }

    private static bool ParseOne(ref WireReader reader, ulong type)
    {
        switch (type)
        {
            case FrameType.Padding:
                return PaddingFrame.TryParse(ref reader, type, out _);
            case FrameType.Ping:
                return PingFrame.TryParse(ref reader, type, out _);
            case FrameType.Ack:
            case FrameType.AckEcn:
                if (!AckFrame.TryParse(ref reader, type, out AckFrame ack))
                {
                    return false;
                }

                foreach (PacketNumberRange range in ack.GetRanges())
                {
                    _ = range.Count;
                }

                return true;
            case FrameType.MaxData:
                return MaxDataFrame.TryParse(ref reader, type, out _);
            case FrameType.MaxStreamData:
                return MaxStreamDataFrame.TryParse(ref reader, type, out _);
            default:
                return FrameType.IsStream(type) && StreamFrame.TryParse(ref reader, type, out _);
        }
    }

    private delegate void WriteAction(ref WireWriter writer);

    private static byte[] Build(WriteAction write)
    {
        byte[] buffer = new byte[2048];
        var writer = new WireWriter(buffer);
        write(ref writer);
        return buffer.AsSpan(0, writer.Position).ToArray();
    }

    internal static void WriteAck(ref WireWriter writer, ulong largest, int ranges)
    {
        // Descending ranges of 10 packets separated by gaps of 2 (one or two packets lost each time).
        var list = new PacketNumberRange[ranges];
        ulong end = largest;
        for (int i = 0; i < ranges; i++)
        {
            list[i] = new PacketNumberRange(end - 9, end);
            end -= 12;
        }

        AckFrame.Write(ref writer, list, ackDelayEncoded: 25, ecn: null);
    }

    private static byte[] BuildMixed1RttPayload(int ackRanges)
    {
        byte[] buffer = new byte[1452];
        var writer = new WireWriter(buffer);
        WriteAck(ref writer, 5_000_000, ackRanges);
        new MaxDataFrame(50_000_000).Write(ref writer);
        new MaxStreamDataFrame(4, 20_000_000).Write(ref writer);
        byte[] data = new byte[400];
        new StreamFrame(8, 1_000_000, data, fin: false).Write(ref writer);
        int room = writer.Remaining - StreamFrame.GetHeaderLength(12, 2_000_000, 0, includeLength: false);
        new StreamFrame(12, 2_000_000, new byte[Math.Max(0, Math.Min(room, 600))], fin: false, hasLength: false).Write(ref writer);
        return buffer.AsSpan(0, writer.Position).ToArray();
    }
}
