using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Authentication;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// Turns what System.Net.Quic throws into the SDK's <see cref="QuicException"/>, so a caller sees
/// the same error enum and codes whichever engine runs.
/// </summary>
/// <remarks>
/// <para>System.Net.Quic's own QuicException maps value for value (its error enum is the model of
/// ours); a transport error in the CRYPTO_ERROR range (0x100-0x1ff, RFC 9001 §4.8) is a
/// <see cref="QuicError.HandshakeFailure"/>, as the managed engine reports it. A listener whose
/// address and ALPN another msquic listener already serves (AlpnInUse) is
/// <see cref="QuicError.AddressInUse"/>.</para>
/// <para>A failed TLS handshake surfaces from System.Net.Quic as <see cref="AuthenticationException"/>
/// and becomes <see cref="QuicError.HandshakeFailure"/>, with the TLS alert as transport error code
/// where msquic reported one; socket errors become
/// <see cref="QuicError.AddressInUse"/> or <see cref="QuicError.InvalidAddress"/>. Usage errors
/// (arguments, disposal, cancellation, invalid operations) pass through unchanged, as they do on
/// the managed engine. The original exception is kept as the inner exception.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal static class MsQuicErrorMapping
{
    /// <summary>Whether <paramref name="exception"/> is turned into an SDK exception (otherwise it passes through).</summary>
    public static bool IsMapped(Exception exception) =>
        exception is NetQuic.QuicException or AuthenticationException or SocketException;

    /// <summary>The SDK's exception for <paramref name="exception"/>, or <paramref name="exception"/> itself when it passes through.</summary>
    public static Exception Map(Exception exception) => exception switch
    {
        NetQuic.QuicException quic => FromQuicException(quic),
        AuthenticationException authentication => new QuicException(
            QuicError.HandshakeFailure,
            null,
            TlsAlertTransportCode(authentication.HResult),
            $"The TLS handshake failed: {authentication.Message}",
            authentication),
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } socket => new QuicException(
            QuicError.AddressInUse,
            null,
            $"The local address is already in use: {socket.Message}",
            socket),
        SocketException socket => new QuicException(QuicError.InvalidAddress, null, $"The address cannot be used: {socket.Message}", socket),
        _ => exception,
    };

    /// <summary>
    /// The CRYPTO_ERROR transport code (0x100 + alert, RFC 9001 §4.8) of a TLS alert, from the msquic
    /// status System.Net.Quic leaves in the exception's HResult: msquic reports alerts as a base
    /// plus the alert, and no_application_protocol as a status of its own. Null when the failure
    /// carries no alert (a certificate this side rejected is reported without the alert it sent).
    /// </summary>
    private static long? TlsAlertTransportCode(int status)
    {
        // msquic's QUIC_STATUS_TLS_ALERT base and QUIC_STATUS_ALPN_NEG_FAILURE per platform.
        int alertBase = OperatingSystem.IsWindows() ? unchecked((int)0x80410100) : 200_000_256;
        int alpnFailure = OperatingSystem.IsWindows() ? unchecked((int)0x80410007) : OperatingSystem.IsMacOS() ? 42 : 92;
        if ((uint)(status - alertBase) <= 0xff)
        {
            return 0x100 + (status - alertBase);
        }

        return status == alpnFailure ? 0x100 + 120 : null;
    }

    private static QuicException FromQuicException(NetQuic.QuicException e)
    {
        long? transportCode = e.TransportErrorCode;
        QuicError error = e.QuicError switch
        {
            NetQuic.QuicError.ConnectionAborted => QuicError.ConnectionAborted,
            NetQuic.QuicError.StreamAborted => QuicError.StreamAborted,
            NetQuic.QuicError.ConnectionTimeout => QuicError.ConnectionTimeout,
            NetQuic.QuicError.ConnectionRefused => QuicError.ConnectionRefused,
            NetQuic.QuicError.VersionNegotiationError => QuicError.VersionNegotiationError,
            NetQuic.QuicError.ConnectionIdle => QuicError.ConnectionIdle,
            NetQuic.QuicError.OperationAborted => QuicError.OperationAborted,
            NetQuic.QuicError.AlpnInUse => QuicError.AddressInUse,
            NetQuic.QuicError.TransportError when transportCode is >= 0x100 and <= 0x1ff => QuicError.HandshakeFailure,
            NetQuic.QuicError.TransportError => QuicError.TransportError,
            _ => QuicError.InternalError,
        };
        return new QuicException(error, e.ApplicationErrorCode, transportCode, e.Message, e);
    }
}
