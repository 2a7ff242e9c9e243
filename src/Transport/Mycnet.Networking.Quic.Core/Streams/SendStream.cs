namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>States of the sending part of a stream (RFC 9000 §3.1).</summary>
internal enum SendStreamState
{
    Ready,
    Send,
    DataSent,
    ResetSent,
    DataRecvd,
    ResetRecvd,
}

/// <summary>
/// The sending part of one stream: application bytes not yet acknowledged, what to send next,
/// and the §3.1 state machine.
/// </summary>
/// <remarks>
/// Design. Offsets on the stream split into
/// <c>[0, ackedPrefix)</c> acknowledged and released, <c>[ackedPrefix, sentOffset)</c> sent at
/// least once (some ranges acked — <c>_acked</c> — and some lost — <c>_lost</c>, waiting for
/// retransmission), and <c>[sentOffset, written)</c> never sent. The bytes from
/// <c>ackedPrefix</c> on live in a <see cref="SegmentedBuffer"/>; a segment goes back to the pool
/// as soon as the acknowledged prefix passes it, and writes accept only what fits in the
/// configured limit on unacknowledged bytes (backpressure, never unbounded memory).
/// <para>Sending: lost ranges go first, lowest offset first, and cost no flow control credit
/// (they were counted when first sent); new bytes are limited by the peer's MAX_STREAM_DATA and
/// the connection credit the caller passes in. The FIN rides on the chunk that reaches the end of
/// the written data, or goes alone in a zero-length chunk; if lost it is sent again until acked.
/// </para>
/// <para>A reset (local, or answering STOP_SENDING, RFC 9000 §3.5) drops the buffer: after
/// RESET_STREAM no STREAM frame is sent or retransmitted (§13.3), and the final size is the
/// highest offset sent. The stream reaches a terminal state when all data and the FIN are acked
/// (Data Recvd) or when the RESET_STREAM is acked (Reset Recvd).</para>
/// </remarks>
internal sealed class SendStream
{
    private readonly SegmentedBuffer _buffer;
    private readonly RangeSet _lost = new();
    private readonly RangeSet _acked = new();
    private readonly ulong _bufferLimit;
    private SendCredit _credit;
    private ulong _ackedPrefix;
    private ulong _written;
    private ulong _sentOffset;
    private bool _finWritten;
    private bool _finPending;
    private bool _finAcked;

    public SendStream(ulong streamId, BufferSegmentPool pool, int bufferLimit, ulong initialCredit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferLimit, 1);
        StreamId = streamId;
        _buffer = new SegmentedBuffer(pool);
        _bufferLimit = (ulong)bufferLimit;
        _credit = new SendCredit(initialCredit);
    }

    public ulong StreamId { get; }

    public SendStreamState State { get; private set; }

    /// <summary>Whether the state is Data Recvd or Reset Recvd.</summary>
    public bool IsTerminal => State is SendStreamState.DataRecvd or SendStreamState.ResetRecvd;

    /// <summary>Whether the stream was reset (Reset Sent or Reset Recvd).</summary>
    public bool IsReset => State is SendStreamState.ResetSent or SendStreamState.ResetRecvd;

    /// <summary>The application error code of our RESET_STREAM.</summary>
    public ulong ResetErrorCode { get; private set; }

    /// <summary>The final size carried by our RESET_STREAM.</summary>
    public ulong ResetFinalSize { get; private set; }

    /// <summary>Whether the peer sent STOP_SENDING.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>The application error code from the peer's STOP_SENDING.</summary>
    public ulong StopErrorCode { get; private set; }

    /// <summary>Whether the application called finish.</summary>
    public bool IsFinished => _finWritten;

    /// <summary>Set when a write was cut short by the buffer limit; cleared when space frees (the "writable" signal).</summary>
    public bool WriteBlocked { get; private set; }

    /// <summary>Bytes the application wrote so far.</summary>
    public ulong WrittenOffset => _written;

    /// <summary>The highest offset sent so far (new data).</summary>
    public ulong SentOffset => _sentOffset;

    /// <summary>Everything below this offset is acknowledged and released.</summary>
    public ulong AckedOffset => _ackedPrefix;

    /// <summary>Bytes held for the peer (unacknowledged).</summary>
    public ulong BufferedBytes => _written - _ackedPrefix;

    /// <summary>Room for more application bytes under the buffer limit.</summary>
    public ulong WritableBytes => CanWrite ? _bufferLimit - Math.Min(_bufferLimit, BufferedBytes) : 0;

    /// <summary>Segment memory held right now.</summary>
    public long AllocatedBytes => _buffer.AllocatedBytes;

    /// <summary>The peer's MAX_STREAM_DATA for this stream.</summary>
    public ulong MaxStreamData => _credit.Limit;

    /// <summary>Stream flow control credit left.</summary>
    public ulong StreamCredit => _credit.Available;

    /// <summary>Whether lost bytes wait for retransmission.</summary>
    public bool HasRetransmission => !_lost.IsEmpty && State is SendStreamState.Send or SendStreamState.DataSent;

    /// <summary>Lost bytes waiting for retransmission.</summary>
    public ulong RetransmitBytes => HasRetransmission ? _lost.TotalLength : 0;

    /// <summary>Whether never-sent bytes wait (regardless of credit).</summary>
    public bool HasUnsentData => CanSendData && _sentOffset < _written;

    /// <summary>Whether only a FIN (no data) waits to be sent.</summary>
    public bool HasPendingFinOnly => _finPending && CanSendData && _sentOffset == _written;

    /// <summary>Whether new data or a FIN can go out given stream credit (connection credit aside).</summary>
    public bool CanSendNew => (HasUnsentData && _credit.Available > 0) || HasPendingFinOnly;

    /// <summary>Whether new data waits but the peer's stream limit blocks it.</summary>
    public bool IsBlockedByStreamCredit => HasUnsentData && _credit.Available == 0 && State is SendStreamState.Ready or SendStreamState.Send;

    /// <summary>The offset the next chunk starts at.</summary>
    public ulong NextOffset => HasRetransmission ? _lost.First.Start : _sentOffset;

    private bool CanWrite => !_finWritten && !IsReset && State != SendStreamState.DataRecvd;

    private bool CanSendData => State is SendStreamState.Ready or SendStreamState.Send or SendStreamState.DataSent;

    /// <summary>Appends what fits of <paramref name="data"/>; returns the number of bytes accepted.</summary>
    /// <exception cref="InvalidOperationException">The stream was finished or reset.</exception>
    public int Write(ReadOnlySpan<byte> data)
    {
        if (_finWritten)
        {
            throw new InvalidOperationException($"Stream {StreamId} was finished; no more data can be written.");
        }

        if (IsReset)
        {
            throw new InvalidOperationException($"Stream {StreamId} was reset; no more data can be written.");
        }

        ulong room = _bufferLimit - Math.Min(_bufferLimit, BufferedBytes);
        int n = (int)Math.Min((ulong)data.Length, room);
        if (_written + (ulong)n > Wire.VarInt.MaxValue)
        {
            throw new InvalidOperationException($"Stream {StreamId} cannot carry more than 2^62 - 1 bytes.");
        }

        if (n > 0)
        {
            _buffer.Write(_written, data[..n]);
            _written += (ulong)n;
        }

        if (n < data.Length)
        {
            WriteBlocked = true;
        }

        return n;
    }

    /// <summary>Marks the end of the stream after the bytes written so far (a STREAM frame with FIN).</summary>
    /// <exception cref="InvalidOperationException">The stream was already finished or reset.</exception>
    public void Finish()
    {
        if (_finWritten)
        {
            throw new InvalidOperationException($"Stream {StreamId} was already finished.");
        }

        if (IsReset)
        {
            throw new InvalidOperationException($"Stream {StreamId} was reset; it cannot be finished.");
        }

        _finWritten = true;
        _finPending = true;
    }

    /// <summary>The next chunk to send: a lost range first, else new bytes (RFC 9000 §13.3). Returns false when nothing can go.</summary>
    public bool TryGetNextChunk(int maxLength, ulong connectionCredit, out StreamChunk chunk, out ulong newBytes)
    {
        newBytes = 0;
        if (HasRetransmission)
        {
            return TryGetRetransmitChunk(maxLength, out chunk);
        }

        return TryGetNewChunk(maxLength, connectionCredit, out chunk, out newBytes);
    }

    /// <summary>The lowest lost range, cut to <paramref name="maxLength"/>.</summary>
    public bool TryGetRetransmitChunk(int maxLength, out StreamChunk chunk)
    {
        chunk = default;
        if (!HasRetransmission || maxLength <= 0)
        {
            return false;
        }

        ByteRange range = _lost.First;
        int length = (int)Math.Min(range.Length, (ulong)maxLength);
        ulong end = range.Start + (ulong)length;
        bool fin = _finPending && end == _written && _sentOffset == _written;
        _lost.Remove(range.Start, end);
        if (fin)
        {
            _finPending = false;
            State = SendStreamState.DataSent;
        }

        chunk = new StreamChunk(StreamId, range.Start, length, fin, IsRetransmission: true);
        return true;
    }

    /// <summary>New bytes from the unsent tail, limited by stream credit, <paramref name="connectionCredit"/> and <paramref name="maxLength"/>; or a lone FIN.</summary>
    public bool TryGetNewChunk(int maxLength, ulong connectionCredit, out StreamChunk chunk, out ulong newBytes)
    {
        chunk = default;
        newBytes = 0;
        if (!CanSendData || maxLength < 0)
        {
            return false;
        }

        ulong unsent = _written - _sentOffset;
        ulong length = Math.Min(Math.Min(unsent, _credit.Available), Math.Min(connectionCredit, (ulong)maxLength));
        bool fin = _finPending && _sentOffset + length == _written;
        if (length == 0 && !fin)
        {
            return false;
        }

        ulong offset = _sentOffset;
        _credit.Consume(length);
        _sentOffset += length;
        newBytes = length;
        if (State == SendStreamState.Ready)
        {
            State = SendStreamState.Send;
        }

        if (fin)
        {
            _finPending = false;
            State = SendStreamState.DataSent;
        }

        chunk = new StreamChunk(StreamId, offset, (int)length, fin, IsRetransmission: false);
        return true;
    }

    /// <summary>Copies stream bytes [offset, offset + destination.Length) into a packet; they must be sent and not yet acknowledged.</summary>
    public void CopyData(ulong offset, Span<byte> destination)
    {
        if (IsReset)
        {
            throw new InvalidOperationException($"Stream {StreamId} was reset; its data is gone.");
        }

        if (offset < _ackedPrefix || offset + (ulong)destination.Length > _sentOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Stream {StreamId} holds sent bytes [{_ackedPrefix}, {_sentOffset}) only.");
        }

        _buffer.CopyTo(offset, destination);
    }

    /// <summary>Raises the peer's stream limit (MAX_STREAM_DATA); returns whether it grew.</summary>
    public bool OnMaxStreamData(ulong limit) => _credit.RaiseLimit(limit);

    /// <summary>Records a STREAM_DATA_BLOCKED for the current limit; false if one was already signalled for it.</summary>
    public bool TrySignalBlocked() => _credit.TrySignalBlocked();

    /// <summary>Whether we are still blocked at <paramref name="limit"/>.</summary>
    public bool IsBlockedAt(ulong limit) => IsBlockedByStreamCredit && _credit.IsBlockedAt(limit);

    /// <summary>Sending STREAM_DATA_BLOCKED opens the sending part (RFC 9000 §3.1).</summary>
    public void OnBlockedFrameSent()
    {
        if (State == SendStreamState.Ready)
        {
            State = SendStreamState.Send;
        }
    }

    /// <summary>
    /// A STREAM frame [offset, offset + length) (+FIN) was acknowledged. Returns true when the
    /// stream just reached Data Recvd. <paramref name="becameWritable"/> tells whether a write
    /// that was cut short can now make progress (the "writable" signal).
    /// </summary>
    public bool OnAcked(ulong offset, int length, bool fin, out bool becameWritable)
    {
        becameWritable = false;
        if (IsReset || State == SendStreamState.DataRecvd)
        {
            return false;
        }

        ulong end = offset + (ulong)length;
        ValidateSentRange(offset, end, fin);
        if (end > _ackedPrefix)
        {
            ulong start = Math.Max(offset, _ackedPrefix);
            _acked.Add(start, end);
            _lost.Remove(start, end);
        }

        if (fin)
        {
            _finAcked = true;
            _finPending = false;
        }

        if (!_acked.IsEmpty && _acked.First.Start <= _ackedPrefix)
        {
            _ackedPrefix = _acked.First.End;
            _acked.RemoveBelow(_ackedPrefix);
            _buffer.ReleaseBelow(_ackedPrefix);
            if (WriteBlocked && WritableBytes > 0)
            {
                WriteBlocked = false;
                becameWritable = true;
            }
        }

        if (_finAcked && _ackedPrefix == _written)
        {
            State = SendStreamState.DataRecvd;
            Release();
            return true;
        }

        return false;
    }

    /// <summary>A STREAM frame [offset, offset + length) (+FIN) was declared lost: queue what is not acked for retransmission.</summary>
    public void OnLost(ulong offset, int length, bool fin)
    {
        if (State is not (SendStreamState.Send or SendStreamState.DataSent))
        {
            return;
        }

        ulong end = offset + (ulong)length;
        ValidateSentRange(offset, end, fin);
        ulong start = Math.Max(offset, _ackedPrefix);
        if (end > start)
        {
            foreach (ByteRange gap in _acked.Gaps(start, end))
            {
                _lost.Add(gap.Start, gap.End);
            }
        }

        if (fin && !_finAcked)
        {
            _finPending = true;
        }
    }

    /// <summary>
    /// Abandons transmission (RFC 9000 §3.1): drops buffered data and enters Reset Sent; the
    /// final size is the highest offset sent. Returns false (no-op) if the stream is already
    /// reset or all data was acknowledged.
    /// </summary>
    public bool Reset(ulong errorCode)
    {
        if (IsReset || State == SendStreamState.DataRecvd)
        {
            return false;
        }

        ResetErrorCode = errorCode;
        ResetFinalSize = _sentOffset;
        State = SendStreamState.ResetSent;
        WriteBlocked = false;
        Release();
        return true;
    }

    /// <summary>The peer sent STOP_SENDING (RFC 9000 §3.5): answer with RESET_STREAM carrying its code. Returns whether a reset was started.</summary>
    public bool OnStopSending(ulong errorCode)
    {
        if (!StopRequested)
        {
            StopRequested = true;
            StopErrorCode = errorCode;
        }

        return Reset(errorCode);
    }

    /// <summary>Our RESET_STREAM was acknowledged: Reset Recvd (terminal).</summary>
    public void OnResetAcked()
    {
        if (State == SendStreamState.ResetSent)
        {
            State = SendStreamState.ResetRecvd;
        }
    }

    /// <summary>Returns all buffer memory to the pool.</summary>
    public void Release()
    {
        _buffer.Reset(_written);
        _lost.Clear();
        _acked.Clear();
    }

    private void ValidateSentRange(ulong offset, ulong end, bool fin)
    {
        if (end > _sentOffset || (fin && end != _written))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Stream {StreamId}: range [{offset}, {end}){(fin ? "+FIN" : string.Empty)} was never sent.");
        }
    }
}
