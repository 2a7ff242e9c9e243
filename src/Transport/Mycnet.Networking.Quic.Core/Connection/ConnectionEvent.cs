namespace Mycnet.Networking.Quic.Core;

/// <summary>What happened, as reported by <see cref="Connection.TryPollEvent"/>.</summary>
internal enum ConnectionEventKind
{
    /// <summary>The handshake completed (client: server authenticated; server: client Finished verified).</summary>
    Connected,

    /// <summary>The peer opened stream <see cref="ConnectionEvent.StreamId"/>.</summary>
    StreamOpened,

    /// <summary>Stream <see cref="ConnectionEvent.StreamId"/> has data (or its end, or a reset) to read.</summary>
    StreamReadable,

    /// <summary>Stream <see cref="ConnectionEvent.StreamId"/> can accept more data.</summary>
    StreamWritable,

    /// <summary>Every byte written to stream <see cref="ConnectionEvent.StreamId"/>, and its FIN, was acknowledged.</summary>
    StreamFinished,

    /// <summary>The peer reset stream <see cref="ConnectionEvent.StreamId"/> with <see cref="ConnectionEvent.ErrorCode"/>.</summary>
    StreamReset,

    /// <summary>The peer asked us to stop sending on stream <see cref="ConnectionEvent.StreamId"/> with <see cref="ConnectionEvent.ErrorCode"/>.</summary>
    StreamStopSending,

    /// <summary>The peer raised its stream limit: more streams of the direction in <see cref="ConnectionEvent.Bidirectional"/> can be opened.</summary>
    StreamsAvailable,

    /// <summary>A DATAGRAM frame arrived; read it with <see cref="Connection.TryReadDatagram"/>.</summary>
    DatagramReceived,

    /// <summary>A path was validated (RFC 9000 §8.2).</summary>
    PathValidated,

    /// <summary>Path validation failed and the path was abandoned.</summary>
    PathFailed,

    /// <summary>A packet sent for <see cref="Connection.Ping"/> was acknowledged (every PING requested before it is answered); <see cref="ConnectionEvent.AckDelay"/> is the delay the peer reported in that ACK.</summary>
    PingAcknowledged,

    /// <summary>1-RTT keys were updated (either side initiated).</summary>
    KeyUpdated,

    /// <summary>The connection is closing or draining; <see cref="Connection.CloseInfo"/> says why.</summary>
    Closed,

    /// <summary>The connection is finished: no more output, it can be released.</summary>
    Terminated,
}

/// <summary>An event from the connection.</summary>
internal readonly record struct ConnectionEvent(ConnectionEventKind Kind, long StreamId = -1, ulong ErrorCode = 0, bool Bidirectional = false, int PathId = 0, TimeSpan AckDelay = default)
{
    public static ConnectionEvent Of(ConnectionEventKind kind) => new(kind);

    public static ConnectionEvent ForStream(ConnectionEventKind kind, long streamId, ulong errorCode = 0) => new(kind, streamId, errorCode);
}
