namespace Mycnet.Networking.Quic;

/// <summary>A QUIC operation failed; <see cref="QuicError"/> says why.</summary>
/// <remarks>
/// The one exception type of the public API, as in System.Net.Quic. <see cref="ApplicationErrorCode"/>
/// is set when the failure carries an application protocol's code (a peer's CONNECTION_CLOSE of
/// type 0x1d, RESET_STREAM or STOP_SENDING); <see cref="TransportErrorCode"/> when it carries a QUIC
/// transport error code (RFC 9000 §20.1), including TLS alerts as 0x100 + alert.
/// </remarks>
public sealed class QuicException : IOException
{
    /// <summary>Creates an exception.</summary>
    public QuicException(QuicError error, long? applicationErrorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        QuicError = error;
        ApplicationErrorCode = applicationErrorCode;
    }

    /// <summary>Creates an exception carrying a transport error code.</summary>
    public QuicException(QuicError error, long? applicationErrorCode, long? transportErrorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        QuicError = error;
        ApplicationErrorCode = applicationErrorCode;
        TransportErrorCode = transportErrorCode;
    }

    /// <summary>Why the operation failed.</summary>
    public QuicError QuicError { get; }

    /// <summary>The application protocol's error code, when the failure carries one.</summary>
    public long? ApplicationErrorCode { get; }

    /// <summary>The QUIC transport error code (RFC 9000 §20.1), when the failure carries one.</summary>
    public long? TransportErrorCode { get; }
}
