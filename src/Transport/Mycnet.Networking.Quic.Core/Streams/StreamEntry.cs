namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>Per-stream control frames waiting to be sent.</summary>
[Flags]
internal enum PendingStreamFrames : byte
{
    None = 0,
    ResetStream = 1,
    StopSending = 2,
    MaxStreamData = 4,
    StreamDataBlocked = 8,
}

/// <summary>
/// One stream known to the <see cref="StreamManager"/>: its sending and receiving parts (one is
/// null for a unidirectional stream) and its membership in the manager's queues.
/// </summary>
internal sealed class StreamEntry
{
    public StreamEntry(StreamId id, bool isLocal, SendStream? send, ReceiveStream? receive)
    {
        Id = id;
        IsLocal = isLocal;
        Send = send;
        Receive = receive;
    }

    public StreamId Id { get; }

    /// <summary>Whether this endpoint opened the stream.</summary>
    public bool IsLocal { get; }

    /// <summary>The sending part, or null for a stream we only receive on.</summary>
    public SendStream? Send { get; }

    /// <summary>The receiving part, or null for a stream we only send on.</summary>
    public ReceiveStream? Receive { get; }

    /// <summary>Control frames to send for this stream.</summary>
    public PendingStreamFrames Pending { get; set; }

    public bool InSendQueue { get; set; }

    public bool InRetransmitQueue { get; set; }

    public bool InControlQueue { get; set; }

    /// <summary>Set once the manager forgot the stream; queues skip removed entries lazily.</summary>
    public bool Removed { get; set; }

    /// <summary>
    /// Whether the stream is fully closed and can be forgotten: both parts terminal (RFC 9000 §3:
    /// Data Recvd / Reset Recvd, Data Read / Reset Read) and no RESET_STREAM or STOP_SENDING waits
    /// to be sent.
    /// </summary>
    public bool IsClosed =>
        (Send is null || Send.IsTerminal)
        && (Receive is null || Receive.IsTerminal)
        && (Pending & (PendingStreamFrames.ResetStream | PendingStreamFrames.StopSending)) == 0;
}
