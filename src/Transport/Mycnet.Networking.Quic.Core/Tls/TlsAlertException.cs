namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// The only exception <see cref="ITlsHandshake.HandleCryptoData"/> throws: a fatal TLS alert with a
/// message that says what went wrong. The connection closes with <see cref="ErrorCode"/>
/// (CRYPTO_ERROR = 0x0100 + alert, RFC 9001 §4.8) and may send <see cref="Alert"/>'s generic form.
/// </summary>
internal sealed class TlsAlertException : Exception
{
    public TlsAlertException(TlsAlert alert, string message)
        : base(message)
    {
        Alert = alert;
    }

    public TlsAlertException(TlsAlert alert, string message, Exception innerException)
        : base(message, innerException)
    {
        Alert = alert;
    }

    public TlsAlertException()
        : this(TlsAlert.InternalError, "The TLS handshake failed.")
    {
    }

    public TlsAlertException(string message)
        : this(TlsAlert.InternalError, message)
    {
    }

    public TlsAlertException(string message, Exception innerException)
        : this(TlsAlert.InternalError, message, innerException)
    {
    }

    /// <summary>The alert description.</summary>
    public TlsAlert Alert { get; }

    /// <summary>The QUIC transport error code: CRYPTO_ERROR 0x0100 + the alert (RFC 9001 §4.8).</summary>
    public TransportErrorCode ErrorCode => TransportErrorCode.CryptoErrorBase + (byte)Alert;

    /// <summary>A decode_error alert: the peer sent bytes that do not parse (RFC 9846 §6.2).</summary>
    internal static TlsAlertException Decode(string message) => new(TlsAlert.DecodeError, message);

    /// <summary>An illegal_parameter alert: a field parses but its value is not allowed (RFC 9846 §6.2).</summary>
    internal static TlsAlertException Illegal(string message) => new(TlsAlert.IllegalParameter, message);

    /// <summary>An unexpected_message alert: a message arrived in the wrong state or at the wrong level.</summary>
    internal static TlsAlertException Unexpected(string message) => new(TlsAlert.UnexpectedMessage, message);
}
