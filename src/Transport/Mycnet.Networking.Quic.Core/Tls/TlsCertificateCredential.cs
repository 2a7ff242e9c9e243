using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// A certificate with its private key, and the intermediates to send after it (end entity first,
/// RFC 9846 §4.5.1). Validated on construction: the private key must be attached and be ECDSA
/// P-256/P-384 or RSA of at least 2048 bits (signed with RSA-PSS). The caller keeps ownership of
/// the certificates and must keep them alive while handshakes use them.
/// </summary>
internal sealed class TlsCertificateCredential
{
    public TlsCertificateCredential(X509Certificate2 certificate, IReadOnlyList<X509Certificate2>? intermediates = null)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException(
                $"The certificate '{certificate.Subject}' has no private key attached; load it with its key (for example from PKCS#12).",
                nameof(certificate));
        }

        TlsKeyKind kind = TlsSignatures.GetKeyKind(certificate);
        if (kind == TlsKeyKind.Unsupported)
        {
            throw new ArgumentException(
                $"The certificate '{certificate.Subject}' has a key this TLS engine cannot sign with; use ECDSA P-256, ECDSA P-384 or RSA of at least {TlsSignatures.MinimumRsaKeySize} bits.",
                nameof(certificate));
        }

        intermediates ??= [];
        for (int i = 0; i < intermediates.Count; i++)
        {
            if (intermediates[i] is null)
            {
                throw new ArgumentException($"Intermediate certificate {i} is null.", nameof(intermediates));
            }
        }

        if (intermediates.Count + 1 > TlsLimits.MaxCertificateChainLength)
        {
            throw new ArgumentException($"A chain holds at most {TlsLimits.MaxCertificateChainLength} certificates.", nameof(intermediates));
        }

        Certificate = certificate;
        Intermediates = intermediates;
        KeyKind = kind;
    }

    public X509Certificate2 Certificate { get; }

    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    internal TlsKeyKind KeyKind { get; }
}
