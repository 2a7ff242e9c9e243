using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>Turns the core's account of why a connection ended into the public <see cref="QuicException"/>.</summary>
internal static class QuicErrorMapping
{
    /// <summary>The exception every operation on a connection that ended this way fails with.</summary>
    public static QuicException FromCloseInfo(ConnectionCloseInfo? info)
    {
        if (info is null)
        {
            return new QuicException(QuicError.OperationAborted, null, "The connection was closed.");
        }

        string reason = info.ReasonPhrase.Length > 0 ? $": {info.ReasonPhrase}" : ".";
        switch (info.Reason)
        {
            case CloseReason.IdleTimeout:
                return new QuicException(QuicError.ConnectionIdle, null, "The connection timed out: nothing arrived from the peer within the idle timeout.");
            case CloseReason.HandshakeTimeout:
                return new QuicException(QuicError.ConnectionTimeout, null, "The handshake did not complete within the handshake timeout.");
            case CloseReason.StatelessReset:
                return new QuicException(QuicError.ConnectionReset, null, "The peer reset the connection (stateless reset): it no longer has the connection's state.");
            case CloseReason.VersionNegotiationFailed:
                return new QuicException(QuicError.VersionNegotiationError, null, "The server supports none of this endpoint's QUIC versions.");
        }

        bool byPeer = info.Reason == CloseReason.PeerClosed;
        string who = byPeer ? "The peer closed the connection" : "The connection was closed";
        if (info.IsApplicationError)
        {
            return new QuicException(QuicError.ConnectionAborted, (long)info.ErrorCode, $"{who} with application error code {info.ErrorCode}{reason}");
        }

        TransportErrorCode code = info.TransportError;
        long transportCode = (long)info.ErrorCode;
        if (code == TransportErrorCode.ConnectionRefused)
        {
            return new QuicException(QuicError.ConnectionRefused, null, transportCode, $"{who}: the connection was refused (CONNECTION_REFUSED){reason}");
        }

        if (info.ErrorCode >= (ulong)TransportErrorCode.CryptoErrorBase && info.ErrorCode <= (ulong)TransportErrorCode.CryptoErrorBase + 0xff)
        {
            var alert = (TlsAlert)(info.ErrorCode - (ulong)TransportErrorCode.CryptoErrorBase);
            string alertName = Enum.IsDefined(alert) ? AlertName(alert) : $"alert {(byte)alert}";
            string side = byPeer ? "the peer rejected the handshake" : "this endpoint rejected the handshake";
            return new QuicException(QuicError.HandshakeFailure, null, transportCode, $"The TLS handshake failed ({side} with {alertName}, transport error 0x{info.ErrorCode:x}){reason}");
        }

        return new QuicException(QuicError.TransportError, null, transportCode, $"{who} with transport error {CodeName(code)} (0x{info.ErrorCode:x}){reason}");
    }

    private static string AlertName(TlsAlert alert) => alert switch
    {
        TlsAlert.NoApplicationProtocol => "no_application_protocol",
        TlsAlert.BadCertificate => "bad_certificate",
        TlsAlert.UnknownCa => "unknown_ca",
        TlsAlert.CertificateExpired => "certificate_expired",
        TlsAlert.CertificateRequired => "certificate_required",
        TlsAlert.HandshakeFailure => "handshake_failure",
        TlsAlert.UnsupportedCertificate => "unsupported_certificate",
        TlsAlert.CertificateRevoked => "certificate_revoked",
        TlsAlert.CertificateUnknown => "certificate_unknown",
        _ => alert.ToString(),
    };

    private static string CodeName(TransportErrorCode code) => Enum.IsDefined(code) ? code.ToString() : "unknown";
}
