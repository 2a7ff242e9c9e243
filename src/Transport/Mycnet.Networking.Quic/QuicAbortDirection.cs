namespace Mycnet.Networking.Quic;

/// <summary>Which side of a stream <see cref="QuicStream.Abort"/> abandons.</summary>
[Flags]
public enum QuicAbortDirection
{
    /// <summary>Stop reading: STOP_SENDING asks the peer to stop (RFC 9000 §3.5); buffered data is dropped.</summary>
    Read = 1,

    /// <summary>Stop writing: RESET_STREAM abandons unsent and unacknowledged data (RFC 9000 §3.1).</summary>
    Write = 2,

    /// <summary>Both directions.</summary>
    Both = Read | Write,
}
