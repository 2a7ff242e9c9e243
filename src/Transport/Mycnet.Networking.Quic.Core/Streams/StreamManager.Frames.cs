namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>Received frames (RFC 9000 §19.4–§19.14): validation of the stream id, implicit opening and dispatch.</summary>
internal sealed partial class StreamManager
{
    private const ulong ResetStreamType = 0x04;
    private const ulong StopSendingType = 0x05;
    private const ulong StreamType = 0x08;
    private const ulong MaxStreamDataType = 0x11;
    private const ulong MaxStreamsBidiType = 0x12;
    private const ulong StreamDataBlockedType = 0x15;
    private const ulong StreamsBlockedBidiType = 0x16;

    /// <summary>A STREAM frame (RFC 9000 §19.8).</summary>
    /// <exception cref="QuicProtocolException">STREAM_STATE_ERROR, STREAM_LIMIT_ERROR, FLOW_CONTROL_ERROR or FINAL_SIZE_ERROR.</exception>
    public void HandleStreamFrame(ulong streamId, ulong offset, ReadOnlySpan<byte> data, bool fin)
    {
        StreamEntry? entry = GetForPeerSenderFrame(streamId, StreamType);
        if (entry is null)
        {
            return;
        }

        ReceiveStream receive = entry.Receive!;
        if (receive.OnData(offset, data, fin, _connectionReceive))
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.Readable, streamId, 0, entry.Id.Direction));
        }

        AfterDiscard();
        TryRemove(entry);
    }

    /// <summary>A RESET_STREAM frame (RFC 9000 §19.4).</summary>
    /// <exception cref="QuicProtocolException">STREAM_STATE_ERROR, STREAM_LIMIT_ERROR, FLOW_CONTROL_ERROR or FINAL_SIZE_ERROR.</exception>
    public void HandleResetStream(ulong streamId, ulong errorCode, ulong finalSize)
    {
        StreamEntry? entry = GetForPeerSenderFrame(streamId, ResetStreamType);
        if (entry is null)
        {
            return;
        }

        if (entry.Receive!.OnReset(errorCode, finalSize, _connectionReceive))
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.PeerReset, streamId, errorCode, entry.Id.Direction));
        }

        AfterDiscard();
        TryRemove(entry);
    }

    /// <summary>A STOP_SENDING frame (RFC 9000 §19.5): the stream answers with RESET_STREAM carrying the peer's code (§3.5).</summary>
    /// <exception cref="QuicProtocolException">STREAM_STATE_ERROR or STREAM_LIMIT_ERROR.</exception>
    public void HandleStopSending(ulong streamId, ulong errorCode)
    {
        StreamEntry? entry = GetForPeerReceiverFrame(streamId, StopSendingType);
        if (entry is null)
        {
            return;
        }

        if (entry.Send!.OnStopSending(errorCode))
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.PeerStopSending, streamId, errorCode, entry.Id.Direction));
            QueueStreamFrame(entry, PendingStreamFrames.ResetStream);
        }
    }

    /// <summary>A MAX_DATA frame (RFC 9000 §19.9); values that do not raise the limit are ignored.</summary>
    public void HandleMaxData(ulong maximumData) => _connectionSend.RaiseLimit(maximumData);

    /// <summary>A MAX_STREAM_DATA frame (RFC 9000 §19.10).</summary>
    /// <exception cref="QuicProtocolException">STREAM_STATE_ERROR or STREAM_LIMIT_ERROR.</exception>
    public void HandleMaxStreamData(ulong streamId, ulong maximumStreamData)
    {
        StreamEntry? entry = GetForPeerReceiverFrame(streamId, MaxStreamDataType);
        if (entry is not null && entry.Send!.OnMaxStreamData(maximumStreamData))
        {
            UpdateSendQueue(entry);
        }
    }

    /// <summary>A MAX_STREAMS frame (RFC 9000 §19.11).</summary>
    /// <exception cref="QuicProtocolException">FRAME_ENCODING_ERROR for a count above 2^60.</exception>
    public void HandleMaxStreams(StreamDirection direction, ulong maximumStreams)
    {
        if (maximumStreams > StreamId.MaxStreamCount)
        {
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, $"MAX_STREAMS {maximumStreams} exceeds 2^60.", MaxStreamsBidiType + (ulong)direction);
        }

        RaisePeerStreamLimit(direction, maximumStreams);
    }

    /// <summary>A DATA_BLOCKED frame (RFC 9000 §19.12): if our current limit is above the one the peer is stuck at, repeat MAX_DATA.</summary>
    public void HandleDataBlocked(ulong maximumData)
    {
        if (_connectionReceive.MaxAdvertised > maximumData)
        {
            _maxDataPending = true;
        }
    }

    /// <summary>A STREAM_DATA_BLOCKED frame (RFC 9000 §19.13): may open the stream; repeats MAX_STREAM_DATA if ours is higher.</summary>
    /// <exception cref="QuicProtocolException">STREAM_STATE_ERROR or STREAM_LIMIT_ERROR.</exception>
    public void HandleStreamDataBlocked(ulong streamId, ulong maximumStreamData)
    {
        StreamEntry? entry = GetForPeerSenderFrame(streamId, StreamDataBlockedType);
        if (entry is not null && entry.Receive!.WantsMaxStreamData && entry.Receive.Window.MaxAdvertised > maximumStreamData)
        {
            QueueStreamFrame(entry, PendingStreamFrames.MaxStreamData);
        }
    }

    /// <summary>A STREAMS_BLOCKED frame (RFC 9000 §19.14): repeats MAX_STREAMS if ours is higher.</summary>
    /// <exception cref="QuicProtocolException">FRAME_ENCODING_ERROR for a count above 2^60.</exception>
    public void HandleStreamsBlocked(StreamDirection direction, ulong maximumStreams)
    {
        if (maximumStreams > StreamId.MaxStreamCount)
        {
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, $"STREAMS_BLOCKED {maximumStreams} exceeds 2^60.", StreamsBlockedBidiType + (ulong)direction);
        }

        if (_localStreamLimit[(int)direction] > maximumStreams)
        {
            _maxStreamsPending[(int)direction] = true;
        }
    }

    /// <summary>
    /// The stream for a frame only a sender emits (STREAM, RESET_STREAM, STREAM_DATA_BLOCKED): it
    /// must have a receiving part for us. Null if the stream is closed and forgotten.
    /// </summary>
    private StreamEntry? GetForPeerSenderFrame(ulong streamId, ulong frameType)
    {
        var id = new StreamId(streamId);
        if (id.IsLocal(_localRole))
        {
            if (id.Direction == StreamDirection.Unidirectional)
            {
                // RFC 9000 §19.4, §19.8, §19.13: a frame for our send-only stream.
                throw new QuicProtocolException(TransportErrorCode.StreamStateError, $"Frame 0x{frameType:x2} on locally initiated unidirectional stream {streamId}, which the peer cannot send on.", frameType);
            }

            return GetLocal(id, frameType);
        }

        return GetOrOpenPeerStream(id, frameType);
    }

    /// <summary>
    /// The stream for a frame only a receiver emits (MAX_STREAM_DATA, STOP_SENDING): it must have
    /// a sending part for us. Null if the stream is closed and forgotten.
    /// </summary>
    private StreamEntry? GetForPeerReceiverFrame(ulong streamId, ulong frameType)
    {
        var id = new StreamId(streamId);
        if (id.IsLocal(_localRole))
        {
            return GetLocal(id, frameType);
        }

        if (id.Direction == StreamDirection.Unidirectional)
        {
            // RFC 9000 §19.5, §19.10: a frame for our receive-only stream.
            throw new QuicProtocolException(TransportErrorCode.StreamStateError, $"Frame 0x{frameType:x2} on peer-initiated unidirectional stream {streamId}, which we cannot send on.", frameType);
        }

        return GetOrOpenPeerStream(id, frameType);
    }

    private StreamEntry? GetLocal(StreamId id, ulong frameType)
    {
        if (id.Index >= _nextLocalIndex[(int)id.Direction])
        {
            // RFC 9000 §19.5, §19.8, §19.10: a locally initiated stream that was never opened.
            throw new QuicProtocolException(TransportErrorCode.StreamStateError, $"Frame 0x{frameType:x2} on stream {id}, which we have not opened.", frameType);
        }

        return _streams.GetValueOrDefault(id.Value);
    }

    /// <summary>Opens a peer stream and every lower-numbered one of its type (RFC 9000 §2.1, §3.2), within our limit (§4.6).</summary>
    private StreamEntry? GetOrOpenPeerStream(StreamId id, ulong frameType)
    {
        int d = (int)id.Direction;
        if (id.Index >= _localStreamLimit[d])
        {
            throw new QuicProtocolException(TransportErrorCode.StreamLimitError, $"Stream {id} exceeds the limit of {_localStreamLimit[d]} {id.Direction} streams we allowed.", frameType);
        }

        if (id.Index < _nextPeerIndex[d])
        {
            return _streams.GetValueOrDefault(id.Value);
        }

        StreamEntry? opened = null;
        for (ulong index = _nextPeerIndex[d]; index <= id.Index; index++)
        {
            opened = CreateStream(StreamId.Create(id.Initiator, id.Direction, index), isLocal: false);
            _events.Enqueue(new StreamEvent(StreamEventKind.PeerOpened, opened.Id.Value, 0, id.Direction));
        }

        _nextPeerIndex[d] = id.Index + 1;
        return opened;
    }

    /// <summary>Discarded bytes return connection credit without a time sample: advertise without tuning.</summary>
    private void AfterDiscard()
    {
        if (_connectionReceive.ShouldUpdate && _connectionReceive.Advertise())
        {
            _maxDataPending = true;
        }
    }
}
