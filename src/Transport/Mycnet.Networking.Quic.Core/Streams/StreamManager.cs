namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// The stream layer of one connection (RFC 9000 §2–§4): stream ids and limits, per-stream send
/// and receive state, connection and stream flow control, scheduling, control frames and events.
/// Works at the data level: the connection parses frames and calls <c>Handle*</c>, asks
/// <c>TryPoll*</c> what to send, reports acknowledgements and losses with <c>On*</c>, and relays
/// application commands.
/// </summary>
/// <remarks>
/// <para><b>Inputs</b> (peer frames, RFC 9000 §19): <see cref="HandleStreamFrame"/>,
/// <see cref="HandleResetStream"/>, <see cref="HandleStopSending"/>, <see cref="HandleMaxData"/>,
/// <see cref="HandleMaxStreamData"/>, <see cref="HandleMaxStreams"/>,
/// <see cref="HandleDataBlocked"/>, <see cref="HandleStreamDataBlocked"/>,
/// <see cref="HandleStreamsBlocked"/>. Peer violations raise <see cref="QuicProtocolException"/>
/// (FLOW_CONTROL_ERROR, FINAL_SIZE_ERROR, STREAM_LIMIT_ERROR, STREAM_STATE_ERROR,
/// FRAME_ENCODING_ERROR); the connection closes with that code. Frames for streams that were
/// already closed and forgotten are ignored.</para>
/// <para><b>Building a packet</b>: first drain <see cref="TryPollControlFrame"/> while frames fit,
/// then <see cref="TryPollStreamChunk"/> and, for each chunk, write the STREAM frame header and
/// <see cref="CopyStreamData"/> the bytes into the packet right away (before any other call).</para>
/// <para><b>Outcomes</b>: for every STREAM frame recovery reports once, call
/// <see cref="OnStreamDataAcked"/> or <see cref="OnStreamDataLost"/> with the chunk's values; for
/// every control frame <see cref="OnControlFrameAcked"/> or <see cref="OnControlFrameLost"/>.</para>
/// <para><b>Application</b>: <see cref="TryOpenStream"/>, <see cref="Write"/>,
/// <see cref="Finish"/>, <see cref="Reset"/>, <see cref="Read"/>, <see cref="StopReading"/>, and
/// <see cref="TryPollEvent"/> for what happened. A stream is forgotten once both directions are
/// terminal — the application must read to the end (or stop reading) and finish (or reset) every
/// stream it can send on.</para>
/// <para>Before <see cref="ApplyPeerTransportLimits"/> the peer allows nothing: no local stream
/// opens and no byte is sent. One owner calls everything; nothing is thread safe.</para>
/// </remarks>
internal sealed partial class StreamManager
{
    private readonly StreamManagerOptions _options;
    private readonly StreamInitiator _localRole;
    private readonly BufferSegmentPool _pool;
    private readonly Dictionary<ulong, StreamEntry> _streams = [];
    private readonly ReceiveWindow _connectionReceive;
    private readonly Queue<StreamEvent> _events = new();

    // Indexed by (int)StreamDirection.
    private readonly ulong[] _nextLocalIndex = new ulong[2];
    private readonly ulong[] _peerStreamLimit = new ulong[2];
    private readonly bool[] _localOpenBlocked = new bool[2];
    private readonly bool[] _localCapBlocked = new bool[2];
    private readonly ulong[] _nextPeerIndex = new ulong[2];
    private readonly ulong[] _localStreamLimit = new ulong[2];

    private SendCredit _connectionSend;
    private int _localStreamCount;

    public StreamManager(bool isServer, StreamManagerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _localRole = isServer ? StreamInitiator.Server : StreamInitiator.Client;
        _pool = new BufferSegmentPool(options.BufferSegmentSize, options.MaxRetainedSegments);
        _connectionReceive = new ReceiveWindow(options.InitialConnectionReceiveWindow, options.MaxConnectionReceiveWindow, options.AutoTuneWindows);
        _connectionSend = new SendCredit(0);
        LocalTransportLimits = options.ToTransportLimits();
        _localStreamLimit[(int)StreamDirection.Bidirectional] = options.MaxConcurrentPeerStreamsBidi;
        _localStreamLimit[(int)StreamDirection.Unidirectional] = options.MaxConcurrentPeerStreamsUni;
    }

    /// <summary>Which role this endpoint plays (decides which stream ids are ours).</summary>
    public StreamInitiator LocalRole => _localRole;

    /// <summary>The transport parameters to advertise to the peer (RFC 9000 §18.2).</summary>
    public StreamTransportLimits LocalTransportLimits { get; }

    /// <summary>The peer's transport parameters, once applied.</summary>
    public StreamTransportLimits PeerTransportLimits { get; private set; }

    /// <summary>Streams currently known (open or not yet forgotten).</summary>
    public int StreamCount => _streams.Count;

    /// <summary>Locally opened streams currently known.</summary>
    public int LocalStreamCount => _localStreamCount;

    /// <summary>Connection-level receive flow control (MAX_DATA we advertise).</summary>
    internal ReceiveWindow ConnectionReceiveWindow => _connectionReceive;

    /// <summary>The peer's MAX_DATA.</summary>
    public ulong ConnectionSendLimit => _connectionSend.Limit;

    /// <summary>Bytes of new stream data sent, counted against <see cref="ConnectionSendLimit"/>.</summary>
    public ulong ConnectionBytesSent => _connectionSend.Used;

    /// <summary>Segment memory rented by all stream buffers.</summary>
    public long AllocatedBufferBytes => (long)_pool.RentedCount * _pool.SegmentSize;

    /// <summary>The stream limit we currently allow the peer for <paramref name="direction"/> (our MAX_STREAMS).</summary>
    public ulong GetLocalStreamLimit(StreamDirection direction) => _localStreamLimit[(int)direction];

    /// <summary>The peer's MAX_STREAMS for <paramref name="direction"/>.</summary>
    public ulong GetPeerStreamLimit(StreamDirection direction) => _peerStreamLimit[(int)direction];

    /// <summary>
    /// Applies the peer's transport parameters (after the handshake, or remembered ones for
    /// 0-RTT). Limits only grow: streams opened earlier get their initial credit now.
    /// </summary>
    /// <exception cref="QuicProtocolException">TRANSPORT_PARAMETER_ERROR for out-of-range values.</exception>
    public void ApplyPeerTransportLimits(in StreamTransportLimits peer)
    {
        peer.ValidateFromPeer();
        PeerTransportLimits = peer;
        _connectionSend.RaiseLimit(peer.InitialMaxData);
        RaisePeerStreamLimit(StreamDirection.Bidirectional, peer.InitialMaxStreamsBidi);
        RaisePeerStreamLimit(StreamDirection.Unidirectional, peer.InitialMaxStreamsUni);
        foreach (StreamEntry entry in _streams.Values)
        {
            if (entry.Send is { } send && send.OnMaxStreamData(InitialSendCredit(entry.Id, entry.IsLocal)))
            {
                UpdateSendQueue(entry);
            }
        }
    }

    /// <summary>The sending part's state, or null when the stream has none or is forgotten.</summary>
    public SendStreamState? GetSendState(ulong streamId) =>
        _streams.TryGetValue(streamId, out StreamEntry? e) && e.Send is { } s ? s.State : null;

    /// <summary>The receiving part's state, or null when the stream has none or is forgotten.</summary>
    public ReceiveStreamState? GetReceiveState(ulong streamId) =>
        _streams.TryGetValue(streamId, out StreamEntry? e) && e.Receive is { } r ? r.State : null;

    /// <summary>Whether a read would return bytes, the end of the stream or a reset now (false for unknown streams and send-only ones).</summary>
    public bool IsReadable(ulong streamId) =>
        _streams.TryGetValue(streamId, out StreamEntry? e) && e.Receive is { IsAbandoned: false } r &&
        (r.ReadableBytes > 0 || r.State is ReceiveStreamState.DataRecvd or ReceiveStreamState.DataRead or ReceiveStreamState.ResetRecvd or ReceiveStreamState.ResetRead);

    /// <summary>The stream's entry, for diagnostics and tests.</summary>
    internal bool TryGetStream(ulong streamId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out StreamEntry? entry) =>
        _streams.TryGetValue(streamId, out entry);

    private StreamEntry CreateStream(StreamId id, bool isLocal)
    {
        SendStream? send = null;
        ReceiveStream? receive = null;
        if (id.CanSend(_localRole))
        {
            send = new SendStream(id.Value, _pool, _options.SendBufferLimit, InitialSendCredit(id, isLocal));
        }

        if (id.CanReceive(_localRole))
        {
            ulong window = isLocal
                ? _options.InitialStreamReceiveWindowBidiLocal
                : id.Direction == StreamDirection.Bidirectional ? _options.InitialStreamReceiveWindowBidiRemote : _options.InitialStreamReceiveWindowUni;
            var flow = new ReceiveWindow(window, _options.MaxStreamReceiveWindow, _options.AutoTuneWindows);
            receive = new ReceiveStream(id.Value, _pool, flow, _options.MaxReceiveFragments);
        }

        var entry = new StreamEntry(id, isLocal, send, receive);
        _streams.Add(id.Value, entry);
        return entry;
    }

    /// <summary>The peer's initial limit for a stream we send on (RFC 9000 §18.2, parameters 0x05–0x07 seen from the receiver).</summary>
    private ulong InitialSendCredit(StreamId id, bool isLocal)
    {
        StreamTransportLimits peer = PeerTransportLimits;
        if (!isLocal)
        {
            // A bidirectional stream the peer opened: its "bidi_local" applies.
            return peer.InitialMaxStreamDataBidiLocal;
        }

        return id.Direction == StreamDirection.Bidirectional ? peer.InitialMaxStreamDataBidiRemote : peer.InitialMaxStreamDataUni;
    }

    private void RaisePeerStreamLimit(StreamDirection direction, ulong limit)
    {
        int d = (int)direction;
        if (limit <= _peerStreamLimit[d])
        {
            return;
        }

        _peerStreamLimit[d] = limit;
        if (_localOpenBlocked[d])
        {
            _localOpenBlocked[d] = false;
            _events.Enqueue(new StreamEvent(StreamEventKind.LocalStreamsAvailable, 0, 0, direction));
        }
    }

    /// <summary>Forgets a fully closed stream: releases its memory and, for a peer stream, lets the peer open another (RFC 9000 §4.6).</summary>
    private void TryRemove(StreamEntry entry)
    {
        if (entry.Removed || !entry.IsClosed)
        {
            return;
        }

        entry.Removed = true;
        entry.Pending = PendingStreamFrames.None;
        _streams.Remove(entry.Id.Value);
        entry.Send?.Release();
        entry.Receive?.Release();
        _pool.Trim(); // The spare segments of a finished burst go back to the GC.
        int d = (int)entry.Id.Direction;
        if (entry.IsLocal)
        {
            _localStreamCount--;
            for (int i = 0; i < 2; i++)
            {
                if (_localCapBlocked[i])
                {
                    _localCapBlocked[i] = false;
                    _events.Enqueue(new StreamEvent(StreamEventKind.LocalStreamsAvailable, 0, 0, (StreamDirection)i));
                }
            }
        }
        else if (_localStreamLimit[d] < StreamId.MaxStreamCount)
        {
            // Keep the peer's concurrency at the configured level: one closed, one more allowed.
            _localStreamLimit[d]++;
            _maxStreamsPending[d] = true;
        }
    }
}
