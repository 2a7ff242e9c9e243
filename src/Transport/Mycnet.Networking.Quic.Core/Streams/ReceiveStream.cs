namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>States of the receiving part of a stream (RFC 9000 §3.2).</summary>
internal enum ReceiveStreamState
{
    Recv,
    SizeKnown,
    DataRecvd,
    DataRead,
    ResetRecvd,
    ResetRead,
}

/// <summary>
/// The receiving part of one stream: reassembly of STREAM data, final size rules, stream flow
/// control, in-order reads and the §3.2 state machine.
/// </summary>
/// <remarks>
/// Design. Data lands in a <see cref="SegmentedBuffer"/> at its stream offset; a
/// <see cref="RangeSet"/> records which offsets from the read offset on have arrived. A frame
/// only copies the parts that are new (gaps of the set), so duplicates and overlaps cost nothing
/// and the first copy of a byte wins. Reads take the contiguous run at the read offset and
/// release segments behind it. Before any byte is stored the frame passes three checks, in RFC
/// order: the final size (§4.5: FINAL_SIZE_ERROR if data goes past it or a FIN moves it), the
/// stream limit we advertised and the connection limit (§4.1: FLOW_CONTROL_ERROR). Because the
/// stream limit is at most read offset + window, buffered bytes never exceed the window and
/// segment memory never exceeds the window rounded up to whole segments plus one segment (the
/// window rarely starts on a segment boundary).
/// <para>Connection credit: the connection window counts every stream's highest received offset
/// (or final size) as received, and bytes read or discarded as consumed. Discarding happens on
/// RESET_STREAM and when the application stops reading (STOP_SENDING); in both cases all bytes up
/// to the final size are returned to the connection, so both endpoints agree on the credit used
/// (§4.4). An abandoned stream stays until its final size is known for that reason.</para>
/// <para>RESET_STREAM after all data arrived (Data Recvd) is suppressed, as §3.2 permits: the
/// application still reads every byte.</para>
/// </remarks>
internal sealed class ReceiveStream
{
    private const ulong StreamFrameType = 0x08;
    private const ulong ResetStreamFrameType = 0x04;

    private readonly SegmentedBuffer _buffer;
    private readonly RangeSet _received = new();
    private readonly int _maxFragments;
    private ulong _readOffset;
    private ulong _highest;
    private ulong _finalSize;
    private bool _finalSizeKnown;
    private ulong _creditReleased;
    private bool _readableArmed = true;

    public ReceiveStream(ulong streamId, BufferSegmentPool pool, ReceiveWindow window, int maxFragments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFragments, 1);
        StreamId = streamId;
        _buffer = new SegmentedBuffer(pool);
        Window = window;
        _maxFragments = maxFragments;
    }

    public ulong StreamId { get; }

    public ReceiveStreamState State { get; private set; }

    /// <summary>Stream-level flow control (MAX_STREAM_DATA we advertise).</summary>
    public ReceiveWindow Window { get; }

    /// <summary>Whether the state is Data Read or Reset Read.</summary>
    public bool IsTerminal => State is ReceiveStreamState.DataRead or ReceiveStreamState.ResetRead;

    /// <summary>The peer's RESET_STREAM error code.</summary>
    public ulong ResetErrorCode { get; private set; }

    /// <summary>Whether the application stopped reading (STOP_SENDING).</summary>
    public bool IsAbandoned { get; private set; }

    /// <summary>The error code the application gave when it stopped reading.</summary>
    public ulong StopErrorCode { get; private set; }

    /// <summary>Whether the final size is known (FIN or RESET_STREAM received).</summary>
    public bool FinalSizeKnown => _finalSizeKnown;

    public ulong FinalSize => _finalSize;

    /// <summary>The next offset the application reads.</summary>
    public ulong ReadOffset => _readOffset;

    /// <summary>The highest offset received.</summary>
    public ulong HighestReceived => _highest;

    /// <summary>Bytes that can be read right now, in order.</summary>
    public ulong ReadableBytes => ContiguousEnd - _readOffset;

    /// <summary>Bytes held (received, not yet read).</summary>
    public ulong BufferedBytes => _received.TotalLength;

    /// <summary>Segment memory held right now.</summary>
    public long AllocatedBytes => _buffer.AllocatedBytes;

    /// <summary>Disjoint received ranges held (out-of-order fragments).</summary>
    public int FragmentCount => _received.Count;

    /// <summary>Whether MAX_STREAM_DATA is still useful: only in Recv while the application reads (RFC 9000 §3.2, §13.3).</summary>
    public bool WantsMaxStreamData => State == ReceiveStreamState.Recv && !IsAbandoned;

    /// <summary>Whether a STOP_SENDING is still useful (RFC 9000 §3.5, §13.3).</summary>
    public bool WantsStopSending => IsAbandoned && State is ReceiveStreamState.Recv or ReceiveStreamState.SizeKnown;

    private ulong ContiguousEnd => !_received.IsEmpty && _received.First.Start <= _readOffset ? _received.First.End : _readOffset;

    /// <summary>
    /// Handles a STREAM frame (RFC 9000 §19.8). Returns true when a "readable" event should be
    /// raised (new in-order data or the end of the stream, and the application was waiting).
    /// </summary>
    /// <exception cref="QuicProtocolException">FINAL_SIZE_ERROR or FLOW_CONTROL_ERROR.</exception>
    public bool OnData(ulong offset, ReadOnlySpan<byte> data, bool fin, ReceiveWindow connection)
    {
        ulong end = offset + (ulong)data.Length;
        if (offset > Wire.VarInt.MaxValue || end > Wire.VarInt.MaxValue)
        {
            // RFC 9000 §19.8: no flow control credit can cover data past 2^62 - 1.
            throw new QuicProtocolException(TransportErrorCode.FlowControlError, $"Stream {StreamId}: data ends past 2^62 - 1.", StreamFrameType);
        }

        if (_finalSizeKnown)
        {
            // RFC 9000 §4.5: the final size cannot change, and no data lies at or beyond it.
            if (end > _finalSize || (fin && end != _finalSize))
            {
                throw new QuicProtocolException(TransportErrorCode.FinalSizeError, $"Stream {StreamId}: data up to {end}{(fin ? " with FIN" : string.Empty)} contradicts final size {_finalSize}.", StreamFrameType);
            }
        }
        else if (fin && end < _highest)
        {
            throw new QuicProtocolException(TransportErrorCode.FinalSizeError, $"Stream {StreamId}: FIN at {end} below data already received up to {_highest}.", StreamFrameType);
        }

        AccountReceived(end, StreamFrameType, connection);
        if (fin && !_finalSizeKnown)
        {
            _finalSizeKnown = true;
            _finalSize = end;
            if (State == ReceiveStreamState.Recv)
            {
                State = ReceiveStreamState.SizeKnown;
            }
        }

        if (IsAbandoned)
        {
            // RFC 9000 §3.5: data after STOP_SENDING still counts toward flow control, then is dropped.
            ReleaseCredit(_highest, connection);
            if (_finalSizeKnown && State is ReceiveStreamState.Recv or ReceiveStreamState.SizeKnown)
            {
                State = ReceiveStreamState.DataRead;
            }

            return false;
        }

        if (State is not (ReceiveStreamState.Recv or ReceiveStreamState.SizeKnown))
        {
            // All data already received, or reset: retransmissions are discarded (§3.2).
            return false;
        }

        ulong start = Math.Max(offset, _readOffset);
        if (end > start)
        {
            foreach (ByteRange gap in _received.Gaps(start, end))
            {
                _buffer.Write(gap.Start, data.Slice((int)(gap.Start - offset), (int)gap.Length));
            }

            _received.Add(start, end);
            if (_received.Count > _maxFragments)
            {
                throw new QuicProtocolException(TransportErrorCode.InternalError, $"Stream {StreamId}: more than {_maxFragments} out-of-order fragments buffered.", StreamFrameType);
            }
        }

        bool allReceived = _finalSizeKnown && ContiguousEnd == _finalSize;
        if (allReceived)
        {
            State = ReceiveStreamState.DataRecvd;
        }

        if (_readableArmed && (ContiguousEnd > _readOffset || allReceived))
        {
            _readableArmed = false;
            return true;
        }

        return false;
    }

    /// <summary>
    /// Handles RESET_STREAM (RFC 9000 §19.4). Returns true when the application should be told
    /// (a "peer reset" event); false when the reset is suppressed or redundant.
    /// </summary>
    /// <exception cref="QuicProtocolException">FINAL_SIZE_ERROR or FLOW_CONTROL_ERROR.</exception>
    public bool OnReset(ulong errorCode, ulong finalSize, ReceiveWindow connection)
    {
        if ((_finalSizeKnown && finalSize != _finalSize) || finalSize < _highest)
        {
            throw new QuicProtocolException(TransportErrorCode.FinalSizeError, $"Stream {StreamId}: RESET_STREAM final size {finalSize} contradicts {(_finalSizeKnown ? "final size " + _finalSize : "data received up to " + _highest)}.", ResetStreamFrameType);
        }

        AccountReceived(finalSize, ResetStreamFrameType, connection);
        _finalSizeKnown = true;
        _finalSize = finalSize;
        if (State is not (ReceiveStreamState.Recv or ReceiveStreamState.SizeKnown))
        {
            return false;
        }

        ResetErrorCode = errorCode;
        State = IsAbandoned ? ReceiveStreamState.ResetRead : ReceiveStreamState.ResetRecvd;
        _received.Clear();
        _buffer.Reset(_finalSize);
        ReleaseCredit(_finalSize, connection);
        return !IsAbandoned;
    }

    /// <summary>Reads in-order bytes into <paramref name="destination"/>.</summary>
    /// <exception cref="InvalidOperationException">The application already stopped reading.</exception>
    public StreamReadResult Read(Span<byte> destination, Instant now, ReceiveWindow connection)
    {
        if (IsAbandoned)
        {
            throw new InvalidOperationException($"Reading stream {StreamId} was stopped; it cannot be read.");
        }

        switch (State)
        {
            case ReceiveStreamState.ResetRecvd:
                State = ReceiveStreamState.ResetRead;
                return new StreamReadResult(0, StreamReadStatus.Reset, ResetErrorCode);
            case ReceiveStreamState.ResetRead:
                return new StreamReadResult(0, StreamReadStatus.Reset, ResetErrorCode);
            case ReceiveStreamState.DataRead:
                return new StreamReadResult(0, StreamReadStatus.Finished, 0);
        }

        int n = (int)Math.Min((ulong)destination.Length, ContiguousEnd - _readOffset);
        if (n > 0)
        {
            _buffer.CopyTo(_readOffset, destination[..n]);
            _readOffset += (ulong)n;
            _received.RemoveBelow(_readOffset);
            _buffer.ReleaseBelow(_readOffset);
            Window.OnConsumed((ulong)n, now);
            connection.OnConsumed((ulong)n, now);
            _creditReleased = _readOffset;
        }

        if (_finalSizeKnown && _readOffset == _finalSize)
        {
            State = ReceiveStreamState.DataRead;
            Release();
            return new StreamReadResult(n, StreamReadStatus.Finished, 0);
        }

        if (ContiguousEnd == _readOffset)
        {
            _readableArmed = true;
        }

        return new StreamReadResult(n, n == 0 ? StreamReadStatus.Blocked : StreamReadStatus.Data, 0);
    }

    /// <summary>
    /// The application abandons reading (RFC 9000 §3.5): buffered data is dropped and its credit
    /// returned. Returns true when a STOP_SENDING should be sent (the peer may still be sending).
    /// </summary>
    public bool Abandon(ulong errorCode, ReceiveWindow connection)
    {
        if (IsAbandoned)
        {
            return false;
        }

        IsAbandoned = true;
        StopErrorCode = errorCode;
        _received.Clear();
        _buffer.Reset(_highest);
        ReleaseCredit(_highest, connection);
        switch (State)
        {
            case ReceiveStreamState.Recv:
                return true;
            case ReceiveStreamState.SizeKnown:
                // All credit is accounted for; the stream is done for us. Tell the peer once so it stops retransmitting.
                State = ReceiveStreamState.DataRead;
                return true;
            case ReceiveStreamState.DataRecvd:
                State = ReceiveStreamState.DataRead;
                return false;
            case ReceiveStreamState.ResetRecvd:
                State = ReceiveStreamState.ResetRead;
                return false;
            default:
                return false;
        }
    }

    /// <summary>Returns all buffer memory to the pool.</summary>
    public void Release()
    {
        _received.Clear();
        _buffer.Reset(_readOffset);
    }

    private void AccountReceived(ulong end, ulong frameType, ReceiveWindow connection)
    {
        if (!Window.CanReceive(end))
        {
            throw new QuicProtocolException(TransportErrorCode.FlowControlError, $"Stream {StreamId}: data up to {end} exceeds the advertised limit {Window.MaxAdvertised}.", frameType);
        }

        ulong delta = end > _highest ? end - _highest : 0;
        if (delta > 0)
        {
            connection.RecordReceived(connection.Received + delta, frameType);
            Window.RecordReceived(end, frameType);
            _highest = end;
        }
    }

    private void ReleaseCredit(ulong upTo, ReceiveWindow connection)
    {
        if (upTo > _creditReleased)
        {
            connection.OnDiscarded(upTo - _creditReleased);
            _creditReleased = upTo;
        }
    }
}
