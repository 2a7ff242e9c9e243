using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic;

/// <summary>Settings of the connections a <see cref="QuicListener"/> accepts.</summary>
public sealed class QuicServerConnectionOptions : QuicConnectionOptions
{
    /// <summary>Required: the server's certificate, with its private key (ECDSA P-256/P-384 or RSA ≥ 2048 bits).</summary>
    public X509Certificate2? ServerCertificate { get; set; }

    /// <summary>Intermediate certificates sent after <see cref="ServerCertificate"/>, leaf's issuer first.</summary>
    public X509Certificate2Collection? ServerCertificateChain { get; set; }

    /// <summary>Ask every client for a certificate and refuse clients without a valid one. Default false (no client certificate is requested).</summary>
    public bool ClientCertificateRequired { get; set; }

    /// <summary>The roots client chains may lead to; null trusts the system store.</summary>
    public X509Certificate2Collection? TrustedClientRootCertificates { get; set; }

    /// <summary>Revocation checking of client chains. Default <see cref="X509RevocationMode.NoCheck"/>.</summary>
    public X509RevocationMode CertificateRevocationCheckMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Called with the result of validating a client's certificate; returns true to accept.</summary>
    public QuicCertificateValidationCallback? ClientCertificateValidationCallback { get; set; }

    /// <summary>A private copy, so changes after the call cannot affect the listener.</summary>
    internal QuicServerConnectionOptions Snapshot() => (QuicServerConnectionOptions)MemberwiseClone();
}
