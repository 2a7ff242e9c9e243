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
/// While its streams are busy the pool keeps up to as many idle segments as were ever rented at
/// once since the last <see cref="Trim"/> (<see cref="RetainLimit"/>, the high-water mark): a bulk
/// transfer's buffers span thousands of segments (a send buffer of unacknowledged data, a receive
/// buffer that fills while the reader is descheduled and then drains at once) and free and rent
/// them in waves; with a fixed cap below that, every wave allocated again (about 320 bytes per
/// packet in the loopback benchmark). Memory stays bounded by the peak the buffers really used —
/// itself bounded by the send buffer limits and receive windows — and the stream manager calls
/// <see cref="Trim"/> when a stream is forgotten, which gives the spare segments beyond
/// <see cref="MaxRetained"/> back to the GC.
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

    /// <summary>How many idle segments the pool keeps after a <see cref="Trim"/>.</summary>
    public int MaxRetained { get; }

    /// <summary>The most segments rented at once since the pool was made or last trimmed.</summary>
    public int PeakRentedCount { get; private set; }

    /// <summary>How many idle segments the pool keeps now: the peak usage, at least <see cref="MaxRetained"/>.</summary>
    public int RetainLimit => Math.Max(MaxRetained, PeakRentedCount);

    /// <summary>Segments currently rented out.</summary>
    public int RentedCount { get; private set; }

    /// <summary>Idle segments held for reuse.</summary>
    public int FreeCount => _free.Count;

    public byte[] Rent()
    {
        RentedCount++;
        PeakRentedCount = Math.Max(PeakRentedCount, RentedCount);
        return _free.TryPop(out byte[]? segment) ? segment : new byte[SegmentSize];
    }

    public void Return(byte[] segment)
    {
        if (segment.Length != SegmentSize)
        {
            throw new ArgumentException("The segment does not belong to this pool.", nameof(segment));
        }

        RentedCount--;
        if (_free.Count < RetainLimit)
        {
            _free.Push(segment);
        }
    }

    /// <summary>Forgets the peak: keeps as many spare segments as are in use now (at least <see cref="MaxRetained"/>) and lets the rest go.</summary>
    public void Trim()
    {
        PeakRentedCount = RentedCount;
        int limit = RetainLimit;
        while (_free.Count > limit)
        {
            _free.Pop();
        }
    }
}
