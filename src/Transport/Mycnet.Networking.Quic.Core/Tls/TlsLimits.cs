namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Bounds on what the handshake buffers from the peer. A message whose declared length exceeds its
/// limit is refused as soon as its 4-byte header arrives, so no peer can make the handshake buffer
/// more than one bounded message per encryption level.
/// </summary>
internal static class TlsLimits
{
    /// <summary>The largest handshake message other than Certificate: 64 KiB.</summary>
    public const int MaxHandshakeMessageLength = 64 * 1024;

    /// <summary>The largest Certificate message: 128 KiB (typical chains are a few KiB).</summary>
    public const int MaxCertificateMessageLength = 128 * 1024;

    /// <summary>The most certificates a Certificate message may carry.</summary>
    public const int MaxCertificateChainLength = 16;

    /// <summary>The limit for a message of <paramref name="type"/>.</summary>
    public static int MaxMessageLength(TlsHandshakeType type) =>
        type == TlsHandshakeType.Certificate ? MaxCertificateMessageLength : MaxHandshakeMessageLength;
}
