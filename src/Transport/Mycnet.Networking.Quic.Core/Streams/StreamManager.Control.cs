namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// Pending control frames: what the connection polls when building a packet, and what to repeat
/// when a packet carrying one is lost (RFC 9000 §13.3).
/// </summary>
/// <remarks>
/// Design: nothing is queued as a frozen frame. Connection-scope frames are flags, per-stream
/// frames are flags on the stream plus a FIFO of streams with flags set; the frame is built at
/// poll time from the current state, so a MAX_DATA / MAX_STREAM_DATA / MAX_STREAMS always carries
/// the latest limit and a BLOCKED frame the limit blocking right now. On loss a frame is repeated
/// only if it is still the latest word: a lost MAX_* is repeated when its value is still current
/// (a newer value was sent or is pending otherwise), a lost BLOCKED only while still blocked at
/// that limit, a lost RESET_STREAM until it is acknowledged, a lost STOP_SENDING while the
/// receiving part is still in Recv or Size Known.
/// </remarks>
internal sealed partial class StreamManager
{
    private readonly Queue<StreamEntry> _controlQueue = new();
    private readonly bool[] _maxStreamsPending = new bool[2];
    private readonly bool[] _streamsBlockedPending = new bool[2];
    private readonly bool[] _streamsBlockedSignaled = new bool[2];
    private readonly ulong[] _streamsBlockedSignaledAt = new ulong[2];
    private bool _maxDataPending;
    private bool _dataBlockedPending;

    /// <summary>Whether a control frame may be waiting (a poll can still find it no longer relevant).</summary>
    public bool HasControlFrames =>
        _maxDataPending || _dataBlockedPending || _controlQueue.Count > 0
        || _maxStreamsPending[0] || _maxStreamsPending[1] || _streamsBlockedPending[0] || _streamsBlockedPending[1];

    /// <summary>
    /// The next control frame that fits in <paramref name="maxFrameBytes"/>, built from current
    /// state. Flow control updates come first, then per-stream frames, then BLOCKED signals.
    /// </summary>
    public bool TryPollControlFrame(int maxFrameBytes, out StreamControlFrame frame)
    {
        if (_maxDataPending)
        {
            frame = StreamControlFrame.MaxData(_connectionReceive.MaxAdvertised);
            if (frame.EncodedLength <= maxFrameBytes)
            {
                _maxDataPending = false;
                return true;
            }
        }

        for (int d = 0; d < 2; d++)
        {
            if (_maxStreamsPending[d])
            {
                frame = StreamControlFrame.MaxStreams((StreamDirection)d, _localStreamLimit[d]);
                if (frame.EncodedLength <= maxFrameBytes)
                {
                    _maxStreamsPending[d] = false;
                    return true;
                }
            }
        }

        while (_controlQueue.TryPeek(out StreamEntry? entry))
        {
            if (entry.Removed || !TryBuildStreamFrame(entry, out frame, out PendingStreamFrames flag))
            {
                _controlQueue.Dequeue();
                entry.InControlQueue = false;
                TryRemove(entry);
                continue;
            }

            if (frame.EncodedLength > maxFrameBytes)
            {
                break;
            }

            entry.Pending &= ~flag;
            if (flag == PendingStreamFrames.StreamDataBlocked)
            {
                entry.Send!.OnBlockedFrameSent();
            }

            if (entry.Pending == PendingStreamFrames.None)
            {
                _controlQueue.Dequeue();
                entry.InControlQueue = false;
            }

            TryRemove(entry);
            return true;
        }

        if (_dataBlockedPending)
        {
            if (_connectionSend.Available > 0)
            {
                _dataBlockedPending = false;
            }
            else
            {
                frame = StreamControlFrame.DataBlocked(_connectionSend.Limit);
                if (frame.EncodedLength <= maxFrameBytes)
                {
                    _dataBlockedPending = false;
                    return true;
                }
            }
        }

        for (int d = 0; d < 2; d++)
        {
            if (!_streamsBlockedPending[d])
            {
                continue;
            }

            if (!_localOpenBlocked[d])
            {
                _streamsBlockedPending[d] = false;
                continue;
            }

            frame = StreamControlFrame.StreamsBlocked((StreamDirection)d, _peerStreamLimit[d]);
            if (frame.EncodedLength <= maxFrameBytes)
            {
                _streamsBlockedPending[d] = false;
                return true;
            }
        }

        frame = default;
        return false;
    }

    /// <summary>A control frame we sent was acknowledged. RESET_STREAM acked moves the stream to Reset Recvd (RFC 9000 §3.1).</summary>
    public void OnControlFrameAcked(in StreamControlFrame frame)
    {
        if (frame.Type == StreamControlFrameType.ResetStream
            && _streams.TryGetValue(frame.StreamId, out StreamEntry? entry)
            && entry.Send is { } send)
        {
            send.OnResetAcked();
            TryRemove(entry);
        }
    }

    /// <summary>A control frame we sent was declared lost: queue it again if it still matters, with current values (RFC 9000 §13.3).</summary>
    public void OnControlFrameLost(in StreamControlFrame frame)
    {
        StreamEntry? entry = null;
        if (frame.HasStreamId && (!_streams.TryGetValue(frame.StreamId, out entry) || entry.Removed))
        {
            return;
        }

        switch (frame.Type)
        {
            case StreamControlFrameType.MaxData:
                _maxDataPending |= frame.Value == _connectionReceive.MaxAdvertised;
                break;
            case StreamControlFrameType.MaxStreamsBidi:
            case StreamControlFrameType.MaxStreamsUni:
            {
                int d = frame.Type == StreamControlFrameType.MaxStreamsBidi ? 0 : 1;
                _maxStreamsPending[d] |= frame.Value == _localStreamLimit[d];
                break;
            }

            case StreamControlFrameType.DataBlocked:
                _dataBlockedPending |= _connectionSend.IsBlockedAt(frame.Value);
                break;
            case StreamControlFrameType.StreamsBlockedBidi:
            case StreamControlFrameType.StreamsBlockedUni:
            {
                int d = frame.Type == StreamControlFrameType.StreamsBlockedBidi ? 0 : 1;
                _streamsBlockedPending[d] |= _localOpenBlocked[d] && _peerStreamLimit[d] == frame.Value;
                break;
            }

            case StreamControlFrameType.MaxStreamData:
                if (entry!.Receive is { WantsMaxStreamData: true } receive && receive.Window.MaxAdvertised == frame.Value)
                {
                    QueueStreamFrame(entry, PendingStreamFrames.MaxStreamData);
                }

                break;
            case StreamControlFrameType.StreamDataBlocked:
                if (entry!.Send is { } blocked && blocked.IsBlockedAt(frame.Value))
                {
                    QueueStreamFrame(entry, PendingStreamFrames.StreamDataBlocked);
                }

                break;
            case StreamControlFrameType.ResetStream:
                if (entry!.Send is { State: SendStreamState.ResetSent })
                {
                    QueueStreamFrame(entry, PendingStreamFrames.ResetStream);
                }

                break;
            case StreamControlFrameType.StopSending:
                if (entry!.Receive is { WantsStopSending: true })
                {
                    QueueStreamFrame(entry, PendingStreamFrames.StopSending);
                }

                break;
        }
    }

    private void QueueStreamFrame(StreamEntry entry, PendingStreamFrames flag)
    {
        entry.Pending |= flag;
        if (!entry.InControlQueue)
        {
            entry.InControlQueue = true;
            _controlQueue.Enqueue(entry);
        }
    }

    /// <summary>The stream's first pending frame that is still relevant; irrelevant flags are dropped on the way.</summary>
    private static bool TryBuildStreamFrame(StreamEntry entry, out StreamControlFrame frame, out PendingStreamFrames flag)
    {
        ulong id = entry.Id.Value;
        if ((entry.Pending & PendingStreamFrames.ResetStream) != 0)
        {
            if (entry.Send is { State: SendStreamState.ResetSent } send)
            {
                frame = StreamControlFrame.ResetStream(id, send.ResetErrorCode, send.ResetFinalSize);
                flag = PendingStreamFrames.ResetStream;
                return true;
            }

            entry.Pending &= ~PendingStreamFrames.ResetStream;
        }

        if ((entry.Pending & PendingStreamFrames.StopSending) != 0)
        {
            // Sent once even from Size Known (the stream may already count as read); never after the peer reset it.
            if (entry.Receive is { IsAbandoned: true } receive && receive.State is not (ReceiveStreamState.ResetRecvd or ReceiveStreamState.ResetRead))
            {
                frame = StreamControlFrame.StopSending(id, receive.StopErrorCode);
                flag = PendingStreamFrames.StopSending;
                return true;
            }

            entry.Pending &= ~PendingStreamFrames.StopSending;
        }

        if ((entry.Pending & PendingStreamFrames.MaxStreamData) != 0)
        {
            if (entry.Receive is { WantsMaxStreamData: true } receive)
            {
                frame = StreamControlFrame.MaxStreamData(id, receive.Window.MaxAdvertised);
                flag = PendingStreamFrames.MaxStreamData;
                return true;
            }

            entry.Pending &= ~PendingStreamFrames.MaxStreamData;
        }

        if ((entry.Pending & PendingStreamFrames.StreamDataBlocked) != 0)
        {
            if (entry.Send is { IsBlockedByStreamCredit: true } send)
            {
                frame = StreamControlFrame.StreamDataBlocked(id, send.MaxStreamData);
                flag = PendingStreamFrames.StreamDataBlocked;
                return true;
            }

            entry.Pending &= ~PendingStreamFrames.StreamDataBlocked;
        }

        frame = default;
        flag = PendingStreamFrames.None;
        return false;
    }
}
