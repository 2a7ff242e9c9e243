namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>The outcome of a read.</summary>
internal enum StreamReadStatus
{
    /// <summary>Bytes were read; more may follow.</summary>
    Data,

    /// <summary>Nothing to read now; a <see cref="StreamEventKind.Readable"/> event follows when there is.</summary>
    Blocked,

    /// <summary>The end of the stream was reached (the bytes read, if any, are the last).</summary>
    Finished,

    /// <summary>The peer reset the stream; <see cref="StreamReadResult.ErrorCode"/> is its code.</summary>
    Reset,
}

/// <summary>The outcome of <c>StreamManager.Read</c>.</summary>
internal readonly record struct StreamReadResult(int BytesRead, StreamReadStatus Status, ulong ErrorCode);

/// <summary>The outcome of a write.</summary>
internal enum StreamWriteStatus
{
    /// <summary>
    /// <see cref="StreamWriteResult.BytesWritten"/> bytes were buffered; fewer than offered means
    /// the send buffer is full and a <see cref="StreamEventKind.Writable"/> event follows.
    /// </summary>
    Accepted,

    /// <summary>The peer asked us to stop (STOP_SENDING) and the stream was reset; <see cref="StreamWriteResult.ErrorCode"/> is the peer's code.</summary>
    Stopped,
}

/// <summary>The outcome of <c>StreamManager.Write</c>.</summary>
internal readonly record struct StreamWriteResult(int BytesWritten, StreamWriteStatus Status, ulong ErrorCode);
