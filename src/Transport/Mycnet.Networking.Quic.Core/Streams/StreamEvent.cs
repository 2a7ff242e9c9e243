namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>What happened on a stream, for the application layer.</summary>
internal enum StreamEventKind
{
    /// <summary>The peer opened <see cref="StreamEvent.StreamId"/> (explicitly or implicitly, RFC 9000 §3.2).</summary>
    PeerOpened,

    /// <summary>New in-order data (or the end of the stream) can be read.</summary>
    Readable,

    /// <summary>A write that was cut short by the send buffer limit can make progress again.</summary>
    Writable,

    /// <summary>All data and the FIN were acknowledged (Data Recvd).</summary>
    SendFinished,

    /// <summary>The peer reset its sending part; <see cref="StreamEvent.ErrorCode"/> is its code.</summary>
    PeerReset,

    /// <summary>The peer sent STOP_SENDING with <see cref="StreamEvent.ErrorCode"/>; the stream was reset in answer (RFC 9000 §3.5).</summary>
    PeerStopSending,

    /// <summary>Local streams of <see cref="StreamEvent.Direction"/> can be opened again (the peer raised MAX_STREAMS, or a local stream closed under the local cap).</summary>
    LocalStreamsAvailable,
}

/// <summary>A stream event, polled by the connection for the application.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="StreamId">The stream (0 for <see cref="StreamEventKind.LocalStreamsAvailable"/>).</param>
/// <param name="ErrorCode">The application error code for resets and STOP_SENDING; else 0.</param>
/// <param name="Direction">The stream direction (for <see cref="StreamEventKind.LocalStreamsAvailable"/>, the direction that opened up).</param>
internal readonly record struct StreamEvent(StreamEventKind Kind, ulong StreamId, ulong ErrorCode, StreamDirection Direction);
