namespace Mycnet.Networking.Interop.Transport;

/// <summary>
/// One QUIC stream as HTTP/3 sees it: its id (RFC 9000 §2.1 — the low bits say who opened it and
/// whether it is bidirectional), a <see cref="System.IO.Stream"/> for its bytes, a FIN, and the two abort
/// directions. A read returns 0 at the peer's FIN and throws when the peer reset the stream or the
/// connection closed; a write throws when the peer stopped reading.
/// </summary>
internal interface IH3Stream : IAsyncDisposable
{
    long Id { get; }

    /// <summary>The stream's bytes; write-only or read-only for unidirectional streams.</summary>
    Stream Stream { get; }

    /// <summary>Sends FIN after the data written so far.</summary>
    void CompleteWrites();

    /// <summary>
    /// Completes when the peer has received everything written up to FIN (acknowledged), and faults
    /// when the sending side was aborted or the connection closed first.
    /// </summary>
    Task WritesClosed { get; }

    /// <summary>Asks the peer to stop sending (STOP_SENDING) with <paramref name="errorCode"/>.</summary>
    void AbortRead(long errorCode);

    /// <summary>Resets the sending side (RESET_STREAM) with <paramref name="errorCode"/>.</summary>
    void AbortWrite(long errorCode);

    /// <summary>
    /// If <paramref name="exception"/> (thrown by a read) says the peer reset the stream, its
    /// application error code; null for any other failure (connection closed, local abort).
    /// </summary>
    long? GetResetErrorCode(Exception exception);
}
