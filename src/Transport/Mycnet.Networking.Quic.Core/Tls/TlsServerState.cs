namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Server states (RFC 9846 Appendix A.2). RECVD_CH and NEGOTIATED are transient inside the handling
/// of a ClientHello; WAIT_EOED does not exist in QUIC (RFC 9001 §8.3). A resumption (PSK) handshake,
/// when added, sends no CertificateRequest and goes straight to <see cref="WaitClientFinished"/>.
/// </summary>
internal enum TlsServerState
{
    /// <summary>START: waiting for the ClientHello.</summary>
    WaitClientHello,

    /// <summary>A HelloRetryRequest was sent; waiting for the second ClientHello.</summary>
    WaitSecondClientHello,

    /// <summary>WAIT_CERT: a CertificateRequest was sent; waiting for the client Certificate.</summary>
    WaitClientCertificate,

    /// <summary>WAIT_CV: waiting for the client CertificateVerify.</summary>
    WaitClientCertificateVerify,

    /// <summary>WAIT_FINISHED: waiting for the client Finished.</summary>
    WaitClientFinished,

    /// <summary>CONNECTED: no further CRYPTO data is expected.</summary>
    Connected,
}
