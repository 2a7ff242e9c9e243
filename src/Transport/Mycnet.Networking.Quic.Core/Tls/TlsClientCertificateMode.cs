namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>Whether a server asks for a client certificate (RFC 9846 §4.4.2) and whether one is required.</summary>
internal enum TlsClientCertificateMode
{
    /// <summary>No CertificateRequest is sent.</summary>
    None,

    /// <summary>A CertificateRequest is sent; an empty Certificate is accepted, a presented one must validate.</summary>
    Optional,

    /// <summary>A CertificateRequest is sent; an empty Certificate fails with certificate_required.</summary>
    Required,
}
