namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Enumerates the ranges of a parsed <see cref="AckFrame"/>, highest first, by re-decoding the Gap /
/// ACK Range pairs kept as a span of the packet (RFC 9000 §19.3.1). The pairs were validated when the
/// frame was parsed, so no step can underflow. Use with <c>foreach</c>; allocates nothing.
/// </summary>
internal ref struct AckRangeEnumerator
{
    private readonly ulong _largest;
    private readonly ulong _firstRange;
    private readonly int _additionalCount;
    private WireReader _reader;
    private int _index;
    private PacketNumberRange _current;

    public AckRangeEnumerator(ulong largest, ulong firstRange, int additionalCount, ReadOnlySpan<byte> encodedRanges)
    {
        _largest = largest;
        _firstRange = firstRange;
        _additionalCount = additionalCount;
        _reader = new WireReader(encodedRanges);
        _index = -1;
        _current = default;
    }

    /// <summary>The current range.</summary>
    public readonly PacketNumberRange Current => _current;

    /// <summary>Returns this enumerator, for <c>foreach</c>.</summary>
    public readonly AckRangeEnumerator GetEnumerator() => this;

    /// <summary>Advances to the next lower range.</summary>
    public bool MoveNext()
    {
        if (_index >= _additionalCount)
        {
            return false;
        }

        if (_index < 0)
        {
            _current = new PacketNumberRange(_largest - _firstRange, _largest);
            _index = 0;
            return true;
        }

        // Validated at parse time; a failure here would mean the span was not produced by TryParse.
        if (!_reader.TryReadVarInt(out ulong gap) || !_reader.TryReadVarInt(out ulong length)
            || gap + 2 > _current.Start || length > _current.Start - gap - 2)
        {
            _index = _additionalCount;
            return false;
        }

        ulong largest = _current.Start - gap - 2;
        _current = new PacketNumberRange(largest - length, largest);
        _index++;
        return true;
    }
}
