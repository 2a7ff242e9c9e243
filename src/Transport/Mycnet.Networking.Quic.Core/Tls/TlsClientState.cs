namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Client states (RFC 9846 Appendix A.1). A resumption (PSK) handshake, when added, goes from
/// <see cref="WaitEncryptedExtensions"/> straight to <see cref="WaitFinished"/>; 0-RTT adds no state
/// on the client in QUIC because EndOfEarlyData is not sent (RFC 9001 §8.3).
/// </summary>
internal enum TlsClientState
{
    /// <summary>Constructed; <see cref="ITlsHandshake.Start"/> not called yet.</summary>
    Start,

    /// <summary>ClientHello sent (WAIT_SH); a HelloRetryRequest loops back here once.</summary>
    WaitServerHello,

    /// <summary>Handshake keys installed (WAIT_EE).</summary>
    WaitEncryptedExtensions,

    /// <summary>WAIT_CERT_CR: a CertificateRequest or the server Certificate.</summary>
    WaitCertificateOrCertificateRequest,

    /// <summary>WAIT_CERT: the server Certificate after a CertificateRequest.</summary>
    WaitCertificate,

    /// <summary>WAIT_CV.</summary>
    WaitCertificateVerify,

    /// <summary>WAIT_FINISHED.</summary>
    WaitFinished,

    /// <summary>CONNECTED: only NewSessionTicket is accepted, at the 1-RTT level.</summary>
    Connected,
}
