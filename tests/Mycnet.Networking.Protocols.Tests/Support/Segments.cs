using System.Buffers;

namespace Mycnet.Networking.Protocols.Tests.Support;

/// <summary>Builds multi-segment sequences so reads across segment boundaries are exercised.</summary>
internal static class Segments
{
    /// <summary>Splits <paramref name="data"/> into segments of <paramref name="segmentLength"/> bytes (the last may be shorter).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, int segmentLength)
    {
        if (data.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(data.AsMemory(0, Math.Min(segmentLength, data.Length)), 0);
        Segment last = first;
        for (int offset = segmentLength; offset < data.Length; offset += segmentLength)
        {
            last = last.Append(data.AsMemory(offset, Math.Min(segmentLength, data.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Splits <paramref name="data"/> at the given cut points.</summary>
    public static ReadOnlySequence<byte> SplitAt(byte[] data, params int[] cuts)
    {
        var bounds = new List<int> { 0 };
        bounds.AddRange(cuts.Where(c => c > 0 && c < data.Length).Order());
        bounds.Add(data.Length);
        Segment? first = null;
        Segment? last = null;
        for (int i = 0; i + 1 < bounds.Count; i++)
        {
            ReadOnlyMemory<byte> part = data.AsMemory(bounds[i], bounds[i + 1] - bounds[i]);
            if (first is null)
            {
                first = last = new Segment(part, 0);
            }
            else
            {
                last = last!.Append(part);
            }
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
