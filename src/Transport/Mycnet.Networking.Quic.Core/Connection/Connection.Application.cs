using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Application commands: streams (RFC 9000 §2–§4), datagrams (RFC 9221), key update (RFC 9001
/// §6), PING; and translating stream events into connection events.
/// </content>
internal sealed partial class Connection
{
    /// <summary>Command: opens a stream; false when the peer's stream limit is reached (wait for <see cref="ConnectionEventKind.StreamsAvailable"/>).</summary>
    public bool TryOpenStream(bool bidirectional, out ulong streamId)
    {
        EnsureOpen();
        return _streams.TryOpenStream(bidirectional ? StreamDirection.Bidirectional : StreamDirection.Unidirectional, out streamId);
    }

    /// <summary>Command: queues bytes on a stream; accepts what fits in the send buffer.</summary>
    public StreamWriteResult WriteStream(ulong streamId, ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        return _streams.Write(streamId, data);
    }

    /// <summary>Command: ends the sending side of a stream after the bytes written so far (FIN).</summary>
    public StreamWriteStatus FinishStream(ulong streamId)
    {
        EnsureOpen();
        return _streams.Finish(streamId);
    }

    /// <summary>Command: abandons the sending side of a stream (RESET_STREAM).</summary>
    public void ResetStream(ulong streamId, ulong errorCode)
    {
        EnsureOpen();
        _streams.Reset(streamId, errorCode);
    }

    /// <summary>Command: reads received bytes of a stream in order.</summary>
    public StreamReadResult ReadStream(ulong streamId, Span<byte> destination, Instant now)
    {
        EnsureOpen();
        TimeSpan rtt = _recovery.Rtt.HasSample ? _recovery.Rtt.SmoothedRtt : _settings.InitialRtt;
        return _streams.Read(streamId, destination, now, rtt);
    }

    /// <summary>
    /// Whether a read of the stream would return something now: bytes, the end of the stream or the
    /// peer's reset. False for a stream without a receiving part or one no longer tracked. A driver
    /// uses it for zero-byte reads, which wait for data without consuming any.
    /// </summary>
    public bool IsStreamReadable(ulong streamId) => _streams.IsReadable(streamId);

    /// <summary>Command: abandons the receiving side of a stream (STOP_SENDING).</summary>
    public void StopReading(ulong streamId, ulong errorCode)
    {
        EnsureOpen();
        _streams.StopReading(streamId, errorCode);
    }

    /// <summary>The number of streams the connection still tracks.</summary>
    public int StreamCount => _streams.StreamCount;

    /// <summary>Whether the peer accepts DATAGRAM frames.</summary>
    public bool DatagramsSupported => MaxDatagramPayloadSize > 0;

    /// <summary>Command: queues a datagram (RFC 9221). False when the send queue is full.</summary>
    /// <exception cref="InvalidOperationException">The peer does not accept datagrams.</exception>
    /// <exception cref="ArgumentException">The datagram is larger than <see cref="MaxDatagramPayloadSize"/>.</exception>
    public bool TrySendDatagram(ReadOnlySpan<byte> data)
    {
        EnsureOpen();
        int max = MaxDatagramPayloadSize;
        if (max == 0)
        {
            throw new InvalidOperationException(_peerParameters is null
                ? "Datagrams cannot be sent before the handshake tells whether the peer accepts them."
                : "The peer does not accept DATAGRAM frames (no max_datagram_frame_size transport parameter).");
        }

        if (data.Length > max)
        {
            throw new ArgumentException($"The datagram has {data.Length} bytes; at most {max} fit in one packet on this path.", nameof(data));
        }

        if (_datagramsToSend.Count >= _settings.DatagramSendQueueLimit)
        {
            return false;
        }

        _datagramsToSend.Enqueue(data.ToArray());
        return true;
    }

    /// <summary>Command: takes the next received datagram.</summary>
    public bool TryReadDatagram(out byte[] data) => _datagramsReceived.TryDequeue(out data!);

    /// <summary>Command: starts a 1-RTT key update (RFC 9001 §6.1); false while not allowed yet.</summary>
    public bool InitiateKeyUpdate(Instant now)
    {
        EnsureOpen();
        if (_keys.OneRtt is not { } keys || !_handshakeConfirmed || !keys.TryInitiateKeyUpdate(now))
        {
            return false;
        }

        _tracer.OnKeyUpdated(now, keys.KeyUpdateCount, isLocal: true);
        _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.KeyUpdated));
        return true;
    }

    /// <summary>The number of 1-RTT key updates so far, either side initiating.</summary>
    public int KeyUpdateCount => (int)(_keys.OneRtt?.KeyUpdateCount ?? 0);

    /// <summary>
    /// Command: sends a PING (an ack-eliciting packet) at the next opportunity. After the handshake,
    /// <see cref="ConnectionEventKind.PingAcknowledged"/> reports when a packet sent for it is
    /// acknowledged (a lost one is replaced), which measures the path's round trip and liveness.
    /// </summary>
    public void Ping()
    {
        if (_handshakeComplete)
        {
            _pingsRequested++;
            Space(PacketNumberSpace.ApplicationData).PingPending = true;
        }
        else
        {
            Space(PacketNumberSpace.Initial).PingPending = true;
        }
    }

    private void EnsureOpen()
    {
        if (_state is ConnectionState.Closing or ConnectionState.Draining or ConnectionState.Terminated)
        {
            throw new InvalidOperationException($"The connection is closed ({_closeInfo}).");
        }
    }

    private void DrainStreamEvents()
    {
        while (_streams.TryPollEvent(out StreamEvent e))
        {
            ConnectionEvent mapped = e.Kind switch
            {
                StreamEventKind.PeerOpened => ConnectionEvent.ForStream(ConnectionEventKind.StreamOpened, (long)e.StreamId),
                StreamEventKind.Readable => ConnectionEvent.ForStream(ConnectionEventKind.StreamReadable, (long)e.StreamId),
                StreamEventKind.Writable => ConnectionEvent.ForStream(ConnectionEventKind.StreamWritable, (long)e.StreamId),
                StreamEventKind.SendFinished => ConnectionEvent.ForStream(ConnectionEventKind.StreamFinished, (long)e.StreamId),
                StreamEventKind.PeerReset => ConnectionEvent.ForStream(ConnectionEventKind.StreamReset, (long)e.StreamId, e.ErrorCode),
                StreamEventKind.PeerStopSending => ConnectionEvent.ForStream(ConnectionEventKind.StreamStopSending, (long)e.StreamId, e.ErrorCode),
                _ => new ConnectionEvent(ConnectionEventKind.StreamsAvailable, Bidirectional: e.Direction == StreamDirection.Bidirectional),
            };
            _events.Enqueue(mapped);
        }
    }
}
