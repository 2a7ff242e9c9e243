namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// Application commands and events. Misuse by the application (unknown or closed stream, wrong
/// direction, writing after finish) raises <see cref="InvalidOperationException"/> or
/// <see cref="ArgumentException"/>, never <see cref="QuicProtocolException"/>, which is kept for
/// the peer's violations.
/// </summary>
internal sealed partial class StreamManager
{
    /// <summary>
    /// Opens a local stream within the peer's MAX_STREAMS (RFC 9000 §4.6) and the local cap.
    /// Returns false when blocked; a STREAMS_BLOCKED frame is queued (once per limit value) if the
    /// peer's limit is the reason, and <see cref="StreamEventKind.LocalStreamsAvailable"/> follows
    /// when opening can succeed again.
    /// </summary>
    public bool TryOpenStream(StreamDirection direction, out ulong streamId)
    {
        int d = (int)direction;
        streamId = 0;
        if ((uint)d > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction, "Unknown stream direction.");
        }

        if (_localStreamCount >= _options.MaxLocalStreams)
        {
            _localCapBlocked[d] = true;
            return false;
        }

        if (_nextLocalIndex[d] >= _peerStreamLimit[d])
        {
            _localOpenBlocked[d] = true;
            if (!_streamsBlockedSignaled[d] || _streamsBlockedSignaledAt[d] != _peerStreamLimit[d])
            {
                // RFC 9000 §4.6: tell the peer we are blocked (informative), once per limit value.
                _streamsBlockedSignaled[d] = true;
                _streamsBlockedSignaledAt[d] = _peerStreamLimit[d];
                _streamsBlockedPending[d] = true;
            }

            return false;
        }

        StreamId id = StreamId.Create(_localRole, direction, _nextLocalIndex[d]);
        _nextLocalIndex[d]++;
        _localStreamCount++;
        CreateStream(id, isLocal: true);
        streamId = id.Value;
        return true;
    }

    /// <summary>
    /// Buffers what fits of <paramref name="data"/> (the send buffer limit applies; flow control
    /// only delays sending). Returns <see cref="StreamWriteStatus.Stopped"/> when the peer asked
    /// us to stop sending.
    /// </summary>
    /// <exception cref="ArgumentException">The stream is unknown.</exception>
    /// <exception cref="InvalidOperationException">The stream is closed, receive-only, finished or reset locally.</exception>
    public StreamWriteResult Write(ulong streamId, ReadOnlySpan<byte> data)
    {
        StreamEntry entry = GetForApplication(streamId);
        SendStream send = entry.Send ?? throw new InvalidOperationException($"Stream {streamId} is receive-only; it cannot be written.");
        if (send.StopRequested)
        {
            return new StreamWriteResult(0, StreamWriteStatus.Stopped, send.StopErrorCode);
        }

        int n = send.Write(data);
        UpdateSendQueue(entry);
        return new StreamWriteResult(n, StreamWriteStatus.Accepted, 0);
    }

    /// <summary>Ends the stream after the bytes written so far (STREAM with FIN). Returns <see cref="StreamWriteStatus.Stopped"/> if the peer asked us to stop.</summary>
    /// <exception cref="ArgumentException">The stream is unknown.</exception>
    /// <exception cref="InvalidOperationException">The stream is closed, receive-only, already finished or reset locally.</exception>
    public StreamWriteStatus Finish(ulong streamId)
    {
        StreamEntry entry = GetForApplication(streamId);
        SendStream send = entry.Send ?? throw new InvalidOperationException($"Stream {streamId} is receive-only; it cannot be finished.");
        if (send.StopRequested)
        {
            return StreamWriteStatus.Stopped;
        }

        send.Finish();
        UpdateSendQueue(entry);
        return StreamWriteStatus.Accepted;
    }

    /// <summary>
    /// Abandons sending (RFC 9000 §3.1): drops unsent and unacknowledged data and queues
    /// RESET_STREAM with <paramref name="errorCode"/>. Does nothing if the stream was already
    /// reset or all its data was acknowledged.
    /// </summary>
    /// <exception cref="ArgumentException">The stream is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The error code exceeds 2^62 - 1.</exception>
    /// <exception cref="InvalidOperationException">The stream is closed or receive-only.</exception>
    public void Reset(ulong streamId, ulong errorCode)
    {
        CheckErrorCode(errorCode);
        StreamEntry entry = GetForApplication(streamId);
        SendStream send = entry.Send ?? throw new InvalidOperationException($"Stream {streamId} is receive-only; it cannot be reset.");
        if (send.Reset(errorCode))
        {
            QueueStreamFrame(entry, PendingStreamFrames.ResetStream);
        }
    }

    /// <summary>
    /// Reads in-order bytes. <paramref name="now"/> and <paramref name="rtt"/> (the smoothed RTT,
    /// or the initial RTT before a sample) drive window auto-tuning; MAX_STREAM_DATA and MAX_DATA
    /// are queued once half a window has been consumed.
    /// </summary>
    /// <exception cref="ArgumentException">The stream is unknown.</exception>
    /// <exception cref="InvalidOperationException">The stream is closed, send-only, or reading was stopped.</exception>
    public StreamReadResult Read(ulong streamId, Span<byte> destination, Instant now, TimeSpan rtt)
    {
        StreamEntry entry = GetForApplication(streamId);
        ReceiveStream receive = entry.Receive ?? throw new InvalidOperationException($"Stream {streamId} is send-only; it cannot be read.");
        StreamReadResult result = receive.Read(destination, now, _connectionReceive);
        if (result.BytesRead > 0)
        {
            ReceiveWindow window = receive.Window;
            if (receive.WantsMaxStreamData && window.ShouldUpdate)
            {
                ulong before = window.Window;
                if (window.Update(now, rtt))
                {
                    QueueStreamFrame(entry, PendingStreamFrames.MaxStreamData);
                }

                if (window.Window > before)
                {
                    // Keep the connection window ahead of the growing stream window.
                    _connectionReceive.EnsureWindowAtLeast(window.Window + (window.Window / 2));
                }
            }

            if (_connectionReceive.ShouldUpdate && _connectionReceive.Update(now, rtt))
            {
                _maxDataPending = true;
            }
        }

        TryRemove(entry);
        return result;
    }

    /// <summary>
    /// Abandons reading (RFC 9000 §3.5): buffered data is dropped, later data discarded on
    /// arrival, and STOP_SENDING with <paramref name="errorCode"/> is queued if the peer may
    /// still be sending.
    /// </summary>
    /// <exception cref="ArgumentException">The stream is unknown.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The error code exceeds 2^62 - 1.</exception>
    /// <exception cref="InvalidOperationException">The stream is closed or send-only.</exception>
    public void StopReading(ulong streamId, ulong errorCode)
    {
        CheckErrorCode(errorCode);
        StreamEntry entry = GetForApplication(streamId);
        ReceiveStream receive = entry.Receive ?? throw new InvalidOperationException($"Stream {streamId} is send-only; it cannot stop reading.");
        if (receive.Abandon(errorCode, _connectionReceive))
        {
            QueueStreamFrame(entry, PendingStreamFrames.StopSending);
        }

        AfterDiscard();
        TryRemove(entry);
    }

    /// <summary>The next stream event, oldest first.</summary>
    public bool TryPollEvent(out StreamEvent streamEvent) => _events.TryDequeue(out streamEvent);

    private StreamEntry GetForApplication(ulong streamId)
    {
        if (_streams.TryGetValue(streamId, out StreamEntry? entry))
        {
            return entry;
        }

        if (streamId > StreamId.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(streamId), streamId, "A stream id is at most 2^62 - 1.");
        }

        var id = new StreamId(streamId);
        ulong next = id.IsLocal(_localRole) ? _nextLocalIndex[(int)id.Direction] : _nextPeerIndex[(int)id.Direction];
        if (id.Index < next)
        {
            throw new InvalidOperationException($"Stream {streamId} is closed.");
        }

        throw new ArgumentException($"Stream {streamId} is not open.", nameof(streamId));
    }

    private static void CheckErrorCode(ulong errorCode)
    {
        if (errorCode > Wire.VarInt.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(errorCode), errorCode, "An application error code is at most 2^62 - 1.");
        }
    }
}
