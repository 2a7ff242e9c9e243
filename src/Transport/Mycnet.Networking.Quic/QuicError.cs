namespace Mycnet.Networking.Quic;

/// <summary>Why a QUIC operation failed; carried by <see cref="QuicException.QuicError"/>.</summary>
/// <remarks>
/// Modelled on System.Net.Quic's <c>QuicError</c>, with the values the engines produce; the msquic
/// engine's errors are mapped onto the same values (see <c>MsQuic/MsQuicErrorMapping</c>).
/// </remarks>
public enum QuicError
{
    /// <summary>An unexpected failure inside the engine or its driver; the inner exception says what.</summary>
    InternalError,

    /// <summary>
    /// The connection was closed with an application error code, by the peer or locally
    /// (<see cref="QuicException.ApplicationErrorCode"/> holds it).
    /// </summary>
    ConnectionAborted,

    /// <summary>
    /// The peer aborted the stream: it reset its sending side (RESET_STREAM) or asked us to stop
    /// sending (STOP_SENDING); <see cref="QuicException.ApplicationErrorCode"/> holds its code.
    /// </summary>
    StreamAborted,

    /// <summary>The local address is already in use.</summary>
    AddressInUse,

    /// <summary>The address is not valid here (not a local address, unresolvable host, wrong family).</summary>
    InvalidAddress,

    /// <summary>The handshake did not complete within <see cref="QuicConnectionOptions.HandshakeTimeout"/>.</summary>
    ConnectionTimeout,

    /// <summary>The peer refused the connection (CONNECTION_REFUSED): the listener is shutting down or its backlog is full.</summary>
    ConnectionRefused,

    /// <summary>The peer supports none of our QUIC versions (RFC 9000 §6).</summary>
    VersionNegotiationError,

    /// <summary>Nothing arrived from the peer within the idle timeout (RFC 9000 §10.1).</summary>
    ConnectionIdle,

    /// <summary>The connection was closed with a transport error code (<see cref="QuicException.TransportErrorCode"/>), by either side.</summary>
    TransportError,

    /// <summary>
    /// The TLS handshake failed: an untrusted or invalid certificate, no common application
    /// protocol (ALPN), no common cipher suite. <see cref="QuicException.TransportErrorCode"/> is
    /// 0x100 plus the TLS alert (RFC 9001 §4.8).
    /// </summary>
    HandshakeFailure,

    /// <summary>The peer sent a stateless reset: it no longer has the connection's state (RFC 9000 §10.3).</summary>
    ConnectionReset,

    /// <summary>The operation was aborted locally: the connection or stream was closed, aborted or disposed while it waited.</summary>
    OperationAborted,
}
