using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The outgoing CRYPTO byte stream of one encryption level (RFC 9000 §19.6).
/// </summary>
/// <remarks>
/// Handshake flights are small (a few kilobytes), so the bytes live in one growable array for the
/// whole handshake. The buffer hands out new bytes in order, re-sends ranges reported lost before
/// new ones, and remembers acknowledged ranges so that a PTO probe can re-send the oldest bytes
/// that are still unacknowledged (RFC 9002 §6.2.4).
/// </remarks>
internal sealed class CryptoSendBuffer
{
    private readonly RangeSet _lost = new();
    private readonly RangeSet _acked = new();
    private byte[] _data = [];
    private int _length;
    private int _nextNew;

    /// <summary>Bytes queued so far.</summary>
    public int Length => _length;

    /// <summary>Whether there are new or lost bytes to send.</summary>
    public bool HasPendingData => _nextNew < _length || !_lost.IsEmpty;

    /// <summary>Whether some sent bytes are not yet acknowledged.</summary>
    public bool HasUnacknowledgedData => _nextNew > 0 && !_acked.Contains(0, (ulong)_nextNew);

    /// <summary>Appends bytes produced by TLS.</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length + bytes.Length > _data.Length)
        {
            Array.Resize(ref _data, Math.Max(_length + bytes.Length, Math.Max(1024, _data.Length * 2)));
        }

        bytes.CopyTo(_data.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Takes the next range to send, at most <paramref name="maxLength"/> bytes: lost bytes first, then new ones.</summary>
    public bool TryTake(int maxLength, out ulong offset, out int length)
    {
        if (maxLength <= 0)
        {
            offset = 0;
            length = 0;
            return false;
        }

        if (!_lost.IsEmpty)
        {
            ByteRange first = _lost.First;
            offset = first.Start;
            length = (int)Math.Min((ulong)maxLength, first.Length);
            _lost.Remove(offset, offset + (ulong)length);
            return true;
        }

        if (_nextNew < _length)
        {
            offset = (ulong)_nextNew;
            length = Math.Min(maxLength, _length - _nextNew);
            _nextNew += length;
            return true;
        }

        offset = 0;
        length = 0;
        return false;
    }

    /// <summary>Queues the oldest unacknowledged bytes for a probe (RFC 9002 §6.2.4); false when all are acknowledged.</summary>
    public bool QueueOldestUnacknowledgedForProbe()
    {
        foreach (ByteRange gap in _acked.Gaps(0, (ulong)_nextNew))
        {
            _lost.Add(gap.Start, gap.End);
            return true;
        }

        return false;
    }

    /// <summary>Re-queues everything sent so far (after a Retry the handshake starts over).</summary>
    public void RequeueAll()
    {
        _acked.Clear();
        _lost.Clear();
        _nextNew = 0;
    }

    /// <summary>The bytes of a range handed out by <see cref="TryTake"/>.</summary>
    /// <summary>Forgets the data once the level's keys are discarded (RFC 9001 §4.9): nothing is sent or resent from it again.</summary>
    public void Release()
    {
        _data = [];
        _nextNew = _length;
        _lost.Clear();
        _acked.Clear();
    }

    public ReadOnlySpan<byte> GetData(ulong offset, int length) => _data.AsSpan((int)offset, length);

    public void OnAcked(ulong offset, int length)
    {
        _acked.Add(offset, offset + (ulong)length);
        _lost.Remove(offset, offset + (ulong)length);
    }

    public void OnLost(ulong offset, int length)
    {
        // Only the parts not acknowledged meanwhile need to go again.
        foreach (ByteRange gap in _acked.Gaps(offset, offset + (ulong)length))
        {
            _lost.Add(gap.Start, gap.End);
        }
    }
}
