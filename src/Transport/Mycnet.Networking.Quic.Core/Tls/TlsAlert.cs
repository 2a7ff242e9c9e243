namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// TLS alert descriptions (RFC 9846 §6 and Appendix B.2). QUIC carries no alert records: a fatal
/// alert becomes a CONNECTION_CLOSE with CRYPTO_ERROR = 0x0100 + the description (RFC 9001 §4.8).
/// </summary>
internal enum TlsAlert : byte
{
    CloseNotify = 0,
    UnexpectedMessage = 10,
    BadRecordMac = 20,
    RecordOverflow = 22,
    HandshakeFailure = 40,
    BadCertificate = 42,
    UnsupportedCertificate = 43,
    CertificateRevoked = 44,
    CertificateExpired = 45,
    CertificateUnknown = 46,
    IllegalParameter = 47,
    UnknownCa = 48,
    AccessDenied = 49,
    DecodeError = 50,
    DecryptError = 51,
    ProtocolVersion = 70,
    InsufficientSecurity = 71,
    InternalError = 80,
    InappropriateFallback = 86,
    UserCanceled = 90,
    MissingExtension = 109,
    UnsupportedExtension = 110,
    UnrecognizedName = 112,
    BadCertificateStatusResponse = 113,
    UnknownPskIdentity = 115,
    CertificateRequired = 116,
    GeneralError = 117,
    NoApplicationProtocol = 120,
}
