using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Testing;

/// <summary>
/// Certificates for TLS tests, generated once per test process with <see cref="CertificateRequest"/>
/// (key generation is slow, so each is a static <see cref="Lazy{T}"/>). A root CA signs an
/// intermediate CA, which signs the server leaves (ECDSA P-256, ECDSA P-384, RSA-2048) and the
/// client-auth leaf. Server leaves carry SANs DNS "localhost", DNS "server.test", IP 127.0.0.1 and IP ::1.
/// Validity is fixed (not relative to now) so that failure messages are stable: good certificates are
/// valid 2020-01-01..2099-01-01, the expired leaf ended 2025-01-01, the not-yet-valid leaf starts
/// 2098-01-01. Every returned certificate has its private key attached and usable for signing.
/// </summary>
public static class TestCertificates
{
    /// <summary>Start of the validity period of the good certificates.</summary>
    public static readonly DateTimeOffset ValidFrom = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>End of the validity period of the good certificates.</summary>
    public static readonly DateTimeOffset ValidUntil = new(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>When <see cref="ExpiredServer"/> expired.</summary>
    public static readonly DateTimeOffset ExpiredOn = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>When <see cref="NotYetValidServer"/> becomes valid.</summary>
    public static readonly DateTimeOffset NotYetValidFrom = new(2098, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    private static readonly Lazy<X509Certificate2> LazyRoot = new(() => CreateCa("CN=Mycnet Test Root CA", issuer: null));
    private static readonly Lazy<X509Certificate2> LazyIntermediate = new(() => CreateCa("CN=Mycnet Test Intermediate CA", LazyRoot.Value));
    private static readonly Lazy<X509Certificate2> LazyOtherRoot = new(() => CreateCa("CN=Mycnet Other Root CA", issuer: null));
    private static readonly Lazy<X509Certificate2> LazyEcdsaP256 = new(() => CreateLeaf("CN=server.test (P-256)", KeyKind.P256, LazyIntermediate.Value, ServerAuthOid));
    private static readonly Lazy<X509Certificate2> LazyEcdsaP384 = new(() => CreateLeaf("CN=server.test (P-384)", KeyKind.P384, LazyIntermediate.Value, ServerAuthOid));
    private static readonly Lazy<X509Certificate2> LazyRsa2048 = new(() => CreateLeaf("CN=server.test (RSA)", KeyKind.Rsa2048, LazyIntermediate.Value, ServerAuthOid));
    private static readonly Lazy<X509Certificate2> LazyExpired = new(() => CreateLeaf("CN=server.test (expired)", KeyKind.P256, LazyIntermediate.Value, ServerAuthOid, ValidFrom, ExpiredOn));
    private static readonly Lazy<X509Certificate2> LazyNotYetValid = new(() => CreateLeaf("CN=server.test (not yet valid)", KeyKind.P256, LazyIntermediate.Value, ServerAuthOid, NotYetValidFrom, ValidUntil));
    private static readonly Lazy<X509Certificate2> LazySelfSigned = new(() => CreateLeaf("CN=server.test (self-signed)", KeyKind.P256, issuer: null, ServerAuthOid));
    private static readonly Lazy<X509Certificate2> LazyOtherCa = new(() => CreateLeaf("CN=server.test (other CA)", KeyKind.P256, LazyOtherRoot.Value, ServerAuthOid));
    private static readonly Lazy<X509Certificate2> LazyClient = new(() => CreateLeaf("CN=client.test", KeyKind.P256, LazyIntermediate.Value, ClientAuthOid, dnsNames: ["client.test"]));
    private static readonly Lazy<X509Certificate2> LazyUntrustedClient = new(() => CreateLeaf("CN=client.test (other CA)", KeyKind.P256, LazyOtherRoot.Value, ClientAuthOid, dnsNames: ["client.test"]));

    private enum KeyKind
    {
        P256,
        P384,
        Rsa2048,
    }

    /// <summary>The trusted root CA (self-signed).</summary>
    public static X509Certificate2 RootCa => LazyRoot.Value;

    /// <summary>The intermediate CA under <see cref="RootCa"/>, which issues every good leaf.</summary>
    public static X509Certificate2 IntermediateCa => LazyIntermediate.Value;

    /// <summary>A root that no test trusts; it issues <see cref="OtherCaServer"/> and <see cref="UntrustedClient"/>.</summary>
    public static X509Certificate2 OtherRootCa => LazyOtherRoot.Value;

    /// <summary>A collection holding only <see cref="RootCa"/>, for custom root trust.</summary>
    public static X509Certificate2Collection TrustedRoots => [RootCa];

    /// <summary>Server leaf, ECDSA P-256.</summary>
    public static X509Certificate2 EcdsaP256Server => LazyEcdsaP256.Value;

    /// <summary>Server leaf, ECDSA P-384.</summary>
    public static X509Certificate2 EcdsaP384Server => LazyEcdsaP384.Value;

    /// <summary>Server leaf, RSA-2048 (signs with RSA-PSS in TLS 1.3).</summary>
    public static X509Certificate2 Rsa2048Server => LazyRsa2048.Value;

    /// <summary>Server leaf that expired on <see cref="ExpiredOn"/>.</summary>
    public static X509Certificate2 ExpiredServer => LazyExpired.Value;

    /// <summary>Server leaf valid only from <see cref="NotYetValidFrom"/>.</summary>
    public static X509Certificate2 NotYetValidServer => LazyNotYetValid.Value;

    /// <summary>A self-signed server certificate with the usual SANs.</summary>
    public static X509Certificate2 SelfSignedServer => LazySelfSigned.Value;

    /// <summary>A server leaf issued directly by <see cref="OtherRootCa"/>.</summary>
    public static X509Certificate2 OtherCaServer => LazyOtherCa.Value;

    /// <summary>A client-auth leaf (EKU clientAuth, ECDSA P-256) under <see cref="IntermediateCa"/>.</summary>
    public static X509Certificate2 Client => LazyClient.Value;

    /// <summary>A client-auth leaf issued by <see cref="OtherRootCa"/>.</summary>
    public static X509Certificate2 UntrustedClient => LazyUntrustedClient.Value;

    private static X509Certificate2 CreateCa(string subject, X509Certificate2? issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
        request.CertificateExtensions.Add(subjectKeyId);
        if (issuer is null)
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));
            return Portable(request.CreateSelfSigned(ValidFrom.AddYears(-1), ValidUntil.AddYears(1)));
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using X509Certificate2 issued = request.Create(issuer, ValidFrom.AddYears(-1), ValidUntil.AddMonths(6), NewSerial());
        return Portable(issued.CopyWithPrivateKey(key));
    }

    private static X509Certificate2 CreateLeaf(
        string subject,
        KeyKind kind,
        X509Certificate2? issuer,
        string usageOid,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        string[]? dnsNames = null)
    {
        AsymmetricAlgorithm key = kind switch
        {
            KeyKind.P384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
            KeyKind.Rsa2048 => RSA.Create(2048),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        };
        try
        {
            CertificateRequest request = key is RSA rsa
                ? new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(subject, (ECDsa)key, kind == KeyKind.P384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(
                key is RSA ? X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment : X509KeyUsageFlags.DigitalSignature, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usageOid)], critical: false));
            var subjectKeyId = new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false);
            request.CertificateExtensions.Add(subjectKeyId);
            var san = new SubjectAlternativeNameBuilder();
            foreach (string name in dnsNames ?? ["localhost", "server.test"])
            {
                san.AddDnsName(name);
            }

            if (dnsNames is null)
            {
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
            }

            request.CertificateExtensions.Add(san.Build());
            DateTimeOffset from = notBefore ?? ValidFrom;
            DateTimeOffset until = notAfter ?? ValidUntil;
            if (issuer is null)
            {
                request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(subjectKeyId));
                return Portable(request.CreateSelfSigned(from, until));
            }

            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));
            // The CAs are ECDSA; an explicit generator lets an ECDSA CA sign an RSA leaf.
            using ECDsa issuerKey = issuer.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The issuer has no ECDSA private key.");
            using X509Certificate2 issued = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey), from, until, NewSerial());
            return Portable(key is RSA rsaKey ? issued.CopyWithPrivateKey(rsaKey) : issued.CopyWithPrivateKey((ECDsa)key));
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>Round-trips through PKCS#12 so the private key is a persisted, exportable copy independent of the generator's key object.</summary>
    private static X509Certificate2 Portable(X509Certificate2 certificate)
    {
        using (certificate)
        {
            byte[] pfx = certificate.Export(X509ContentType.Pkcs12, (string?)null);
            return X509CertificateLoader.LoadPkcs12(pfx, password: null, X509KeyStorageFlags.Exportable);
        }
    }

    private static byte[] NewSerial()
    {
        // A positive, minimally encoded 16-byte serial (RFC 5280 §4.1.2.2).
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)(0x40 | (serial[0] & 0x3F));
        return serial;
    }
}
