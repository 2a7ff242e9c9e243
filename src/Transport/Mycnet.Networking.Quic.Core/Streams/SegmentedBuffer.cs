namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// A sparse window of stream bytes addressed by absolute stream offset, stored in pooled segments.
/// </summary>
/// <remarks>
/// Design: slot <c>i</c> of a ring holds the segment for offsets
/// [<see cref="BaseOffset"/> + i·S, + S), where S is the pool's segment size and the base is
/// segment aligned. A slot is filled lazily when the first byte for it is written, so an
/// out-of-order receiver only holds segments where data actually arrived. Releasing below an offset
/// returns every wholly covered segment to the pool and slides the ring. The ring grows (doubling)
/// only when the addressed window grows; it never shrinks, so steady state allocates nothing.
/// The buffer does not track which bytes are valid: its owner (send or receive stream) keeps that
/// in a <see cref="RangeSet"/> and only reads bytes it wrote.
/// </remarks>
internal sealed class SegmentedBuffer
{
    private readonly BufferSegmentPool _pool;
    private readonly int _segmentSize;
    private byte[]?[] _slots;
    private int _head;

    public SegmentedBuffer(BufferSegmentPool pool)
    {
        _pool = pool;
        _segmentSize = pool.SegmentSize;
        _slots = new byte[]?[4];
    }

    /// <summary>The offset of the first byte of the first slot (segment aligned).</summary>
    public ulong BaseOffset { get; private set; }

    /// <summary>How many segments are rented right now.</summary>
    public int SegmentCount { get; private set; }

    /// <summary>Bytes of segment memory held right now.</summary>
    public long AllocatedBytes => (long)SegmentCount * _segmentSize;

    /// <summary>Copies <paramref name="data"/> to stream offset <paramref name="offset"/>; the offset must not be below <see cref="BaseOffset"/>.</summary>
    public void Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (offset < BaseOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "Cannot write below the released prefix.");
        }

        while (!data.IsEmpty)
        {
            ulong relative = offset - BaseOffset;
            int slotIndex = checked((int)(relative / (ulong)_segmentSize));
            int within = (int)(relative % (ulong)_segmentSize);
            byte[] segment = GetOrRentSlot(slotIndex);
            int n = Math.Min(data.Length, _segmentSize - within);
            data[..n].CopyTo(segment.AsSpan(within, n));
            data = data[n..];
            offset += (ulong)n;
        }
    }

    /// <summary>Copies bytes starting at stream offset <paramref name="offset"/> into <paramref name="destination"/>; the bytes must have been written.</summary>
    public void CopyTo(ulong offset, Span<byte> destination)
    {
        if (offset < BaseOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "Cannot read below the released prefix.");
        }

        while (!destination.IsEmpty)
        {
            ulong relative = offset - BaseOffset;
            int slotIndex = checked((int)(relative / (ulong)_segmentSize));
            int within = (int)(relative % (ulong)_segmentSize);
            byte[] segment = slotIndex < _slots.Length ? _slots[(_head + slotIndex) % _slots.Length] ?? throw MissingSegment(offset) : throw MissingSegment(offset);
            int n = Math.Min(destination.Length, _segmentSize - within);
            segment.AsSpan(within, n).CopyTo(destination);
            destination = destination[n..];
            offset += (ulong)n;
        }
    }

    /// <summary>Returns every segment that lies wholly below <paramref name="offset"/> to the pool.</summary>
    public void ReleaseBelow(ulong offset)
    {
        while (BaseOffset + (ulong)_segmentSize <= offset)
        {
            ref byte[]? slot = ref _slots[_head];
            if (slot is not null)
            {
                _pool.Return(slot);
                slot = null;
                SegmentCount--;
            }

            _head = (_head + 1) % _slots.Length;
            BaseOffset += (ulong)_segmentSize;
        }
    }

    /// <summary>Returns every segment to the pool and restarts the window at <paramref name="newBase"/> (rounded down to a segment).</summary>
    public void Reset(ulong newBase)
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] is { } segment)
            {
                _pool.Return(segment);
                _slots[i] = null;
            }
        }

        SegmentCount = 0;
        _head = 0;
        BaseOffset = newBase - (newBase % (ulong)_segmentSize);
    }

    private byte[] GetOrRentSlot(int slotIndex)
    {
        if (slotIndex >= _slots.Length)
        {
            Grow(slotIndex + 1);
        }

        ref byte[]? slot = ref _slots[(_head + slotIndex) % _slots.Length];
        if (slot is null)
        {
            slot = _pool.Rent();
            SegmentCount++;
        }

        return slot;
    }

    private void Grow(int minSlots)
    {
        int size = _slots.Length;
        while (size < minSlots)
        {
            size *= 2;
        }

        var grown = new byte[]?[size];
        for (int i = 0; i < _slots.Length; i++)
        {
            grown[i] = _slots[(_head + i) % _slots.Length];
        }

        _slots = grown;
        _head = 0;
    }

    private static InvalidOperationException MissingSegment(ulong offset) =>
        new($"No bytes were written at stream offset {offset}.");
}
