namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>A half-open range of stream offsets, [Start, End).</summary>
internal readonly record struct ByteRange(ulong Start, ulong End)
{
    public ulong Length => End - Start;
}

/// <summary>
/// A sorted set of disjoint, non-adjacent half-open byte ranges.
/// </summary>
/// <remarks>
/// Design: ranges live in one array kept sorted by start; adding merges with every range it
/// overlaps or touches, removing splits at most one range. Lookups are binary searches; inserts
/// shift the tail, which is cheap because stream buffers hold few ranges in practice (a gap per
/// lost packet). The array grows by doubling and never shrinks, so a stream in steady state does
/// not allocate. Callers that take ranges from the network bound <see cref="Count"/> themselves.
/// </remarks>
internal sealed class RangeSet
{
    private ByteRange[] _items;
    private int _count;

    public RangeSet(int initialCapacity = 4)
    {
        _items = new ByteRange[Math.Max(1, initialCapacity)];
    }

    /// <summary>How many disjoint ranges the set holds.</summary>
    public int Count => _count;

    public bool IsEmpty => _count == 0;

    public ByteRange this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(index));
            }

            return _items[index];
        }
    }

    /// <summary>The first (lowest) range. The set must not be empty.</summary>
    public ByteRange First => _count > 0 ? _items[0] : throw new InvalidOperationException("The range set is empty.");

    /// <summary>The sum of all range lengths.</summary>
    public ulong TotalLength
    {
        get
        {
            ulong total = 0;
            for (int i = 0; i < _count; i++)
            {
                total += _items[i].Length;
            }

            return total;
        }
    }

    public void Clear() => _count = 0;

    /// <summary>Adds [start, end), merging with overlapping or adjacent ranges.</summary>
    public void Add(ulong start, ulong end)
    {
        if (end <= start)
        {
            return;
        }

        // First range whose end reaches start (adjacent counts: merge touching ranges).
        int first = LowerBoundByEnd(start);
        int last = first;
        while (last < _count && _items[last].Start <= end)
        {
            last++;
        }

        // Ranges [first, last) overlap or touch [start, end): replace them by their union.
        if (first == last)
        {
            InsertAt(first, new ByteRange(start, end));
            return;
        }

        ulong newStart = Math.Min(start, _items[first].Start);
        ulong newEnd = Math.Max(end, _items[last - 1].End);
        _items[first] = new ByteRange(newStart, newEnd);
        RemoveAt(first + 1, last - first - 1);
    }

    /// <summary>Removes [start, end) from the set, splitting a range if needed.</summary>
    public void Remove(ulong start, ulong end)
    {
        if (end <= start)
        {
            return;
        }

        int i = LowerBoundByEnd(start + 1);
        while (i < _count && _items[i].Start < end)
        {
            ByteRange r = _items[i];
            bool keepLeft = r.Start < start;
            bool keepRight = r.End > end;
            if (keepLeft && keepRight)
            {
                _items[i] = new ByteRange(r.Start, start);
                InsertAt(i + 1, new ByteRange(end, r.End));
                return;
            }

            if (keepLeft)
            {
                _items[i] = new ByteRange(r.Start, start);
                i++;
            }
            else if (keepRight)
            {
                _items[i] = new ByteRange(end, r.End);
                return;
            }
            else
            {
                RemoveAt(i, 1);
            }
        }
    }

    /// <summary>Removes everything below <paramref name="offset"/>.</summary>
    public void RemoveBelow(ulong offset)
    {
        int drop = 0;
        while (drop < _count && _items[drop].End <= offset)
        {
            drop++;
        }

        RemoveAt(0, drop);
        if (_count > 0 && _items[0].Start < offset)
        {
            _items[0] = new ByteRange(offset, _items[0].End);
        }
    }

    /// <summary>Whether every offset of [start, end) is in the set.</summary>
    public bool Contains(ulong start, ulong end)
    {
        if (end <= start)
        {
            return true;
        }

        int i = LowerBoundByEnd(start + 1);
        return i < _count && _items[i].Start <= start && _items[i].End >= end;
    }

    /// <summary>The parts of [start, end) that are not in the set, lowest first.</summary>
    public GapEnumerator Gaps(ulong start, ulong end) => new(this, start, end);

    /// <summary>The index of the first range whose End is at least <paramref name="value"/>.</summary>
    private int LowerBoundByEnd(ulong value)
    {
        int lo = 0;
        int hi = _count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_items[mid].End < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void InsertAt(int index, ByteRange range)
    {
        if (_count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        if (index < _count)
        {
            Array.Copy(_items, index, _items, index + 1, _count - index);
        }

        _items[index] = range;
        _count++;
    }

    private void RemoveAt(int index, int count)
    {
        if (count <= 0)
        {
            return;
        }

        int tail = _count - index - count;
        if (tail > 0)
        {
            Array.Copy(_items, index + count, _items, index, tail);
        }

        _count -= count;
    }

    /// <summary>Enumerates the sub-ranges of a window that the set does not cover; allocation free.</summary>
    internal ref struct GapEnumerator
    {
        private readonly RangeSet _set;
        private readonly ulong _end;
        private ulong _cursor;
        private int _index;

        public GapEnumerator(RangeSet set, ulong start, ulong end)
        {
            _set = set;
            _end = end;
            _cursor = start;
            _index = set.LowerBoundByEnd(start + 1);
            Current = default;
        }

        public ByteRange Current { get; private set; }

        public readonly GapEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_cursor < _end)
            {
                if (_index >= _set._count || _set._items[_index].Start >= _end)
                {
                    Current = new ByteRange(_cursor, _end);
                    _cursor = _end;
                    return true;
                }

                ByteRange r = _set._items[_index];
                _index++;
                if (r.Start > _cursor)
                {
                    Current = new ByteRange(_cursor, r.Start);
                    _cursor = r.End;
                    return true;
                }

                _cursor = Math.Max(_cursor, r.End);
            }

            return false;
        }
    }
}
