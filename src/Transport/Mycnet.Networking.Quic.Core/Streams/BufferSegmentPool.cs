namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// A free list of equally sized byte segments shared by the stream buffers of one connection.
/// </summary>
/// <remarks>
/// Design: stream send and receive buffers are chains of fixed-size segments; a segment is rented
/// when bytes first land in it and returned when every byte in it has been acknowledged (send) or
/// read (receive). Keeping the free list per connection (rather than the process-wide
/// <c>ArrayPool</c>) makes reuse deterministic, so a transfer in steady state allocates nothing,
/// and <see cref="MaxRetained"/> caps the idle memory a connection keeps after a burst.
/// The pool is owned by one connection and is not thread safe, like the rest of the core.
/// </remarks>
internal sealed class BufferSegmentPool
{
    private readonly Stack<byte[]> _free;

    public BufferSegmentPool(int segmentSize, int maxRetained)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, 16);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetained);
        SegmentSize = segmentSize;
        MaxRetained = maxRetained;
        _free = new Stack<byte[]>(Math.Min(maxRetained, 64));
    }

    /// <summary>The size of every segment, in bytes.</summary>
    public int SegmentSize { get; }

    /// <summary>How many idle segments the pool keeps at most.</summary>
    public int MaxRetained { get; }

    /// <summary>Segments currently rented out.</summary>
    public int RentedCount { get; private set; }

    /// <summary>Idle segments held for reuse.</summary>
    public int FreeCount => _free.Count;

    public byte[] Rent()
    {
        RentedCount++;
        return _free.TryPop(out byte[]? segment) ? segment : new byte[SegmentSize];
    }

    public void Return(byte[] segment)
    {
        if (segment.Length != SegmentSize)
        {
            throw new ArgumentException("The segment does not belong to this pool.", nameof(segment));
        }

        RentedCount--;
        if (_free.Count < MaxRetained)
        {
            _free.Push(segment);
        }
    }
}
