using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>The kinds of end-entity key this engine signs and verifies with.</summary>
internal enum TlsKeyKind
{
    Unsupported,
    EcdsaP256,
    EcdsaP384,
    Rsa,
}

/// <summary>
/// CertificateVerify signatures (RFC 9846 §4.5.2): the signed content is 64 spaces, a context string,
/// a zero byte and the transcript hash. Schemes: ecdsa_secp256r1_sha256 and ecdsa_secp384r1_sha384
/// (DER-encoded ECDSA, each tied to its curve in TLS 1.3) and rsa_pss_rsae_sha256/384/512 (PSS with
/// a salt as long as the hash, which is what <see cref="RSASignaturePadding.Pss"/> does).
/// </summary>
internal static class TlsSignatures
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const string P384Oid = "1.3.132.0.34";

    /// <summary>The smallest RSA key accepted, ours or the peer's.</summary>
    public const int MinimumRsaKeySize = 2048;

    /// <summary>The CertificateVerify schemes offered and accepted by default, in preference order.</summary>
    public static IReadOnlyList<TlsSignatureScheme> DefaultSchemes { get; } =
    [
        TlsSignatureScheme.EcdsaSecp256r1Sha256,
        TlsSignatureScheme.EcdsaSecp384r1Sha384,
        TlsSignatureScheme.RsaPssRsaeSha256,
        TlsSignatureScheme.RsaPssRsaeSha384,
        TlsSignatureScheme.RsaPssRsaeSha512,
    ];

    /// <summary>Schemes advertised for signatures inside certificates only (X509Chain verifies those).</summary>
    public static IReadOnlyList<TlsSignatureScheme> CertificateOnlySchemes { get; } =
    [
        TlsSignatureScheme.RsaPkcs1Sha256,
        TlsSignatureScheme.RsaPkcs1Sha384,
        TlsSignatureScheme.RsaPkcs1Sha512,
    ];

    /// <summary>Whether this engine can sign or verify a CertificateVerify with <paramref name="scheme"/>.</summary>
    public static bool IsImplemented(ushort scheme) => (TlsSignatureScheme)scheme is
        TlsSignatureScheme.EcdsaSecp256r1Sha256 or TlsSignatureScheme.EcdsaSecp384r1Sha384 or
        TlsSignatureScheme.RsaPssRsaeSha256 or TlsSignatureScheme.RsaPssRsaeSha384 or TlsSignatureScheme.RsaPssRsaeSha512;

    /// <summary>Whether <paramref name="scheme"/> signs with a key of <paramref name="kind"/>.</summary>
    public static bool IsCompatible(ushort scheme, TlsKeyKind kind) => (TlsSignatureScheme)scheme switch
    {
        TlsSignatureScheme.EcdsaSecp256r1Sha256 => kind == TlsKeyKind.EcdsaP256,
        TlsSignatureScheme.EcdsaSecp384r1Sha384 => kind == TlsKeyKind.EcdsaP384,
        TlsSignatureScheme.RsaPssRsaeSha256 or TlsSignatureScheme.RsaPssRsaeSha384 or TlsSignatureScheme.RsaPssRsaeSha512 => kind == TlsKeyKind.Rsa,
        _ => false,
    };

    /// <summary>The first scheme of the peer's list (its preference) that <paramref name="kind"/> can sign with, or null.</summary>
    public static ushort? Select(IReadOnlyList<ushort> peerSchemes, IReadOnlyList<TlsSignatureScheme> localSchemes, TlsKeyKind kind)
    {
        foreach (ushort scheme in peerSchemes)
        {
            if (IsCompatible(scheme, kind) && Contains(localSchemes, scheme))
            {
                return scheme;
            }
        }

        return null;
    }

    /// <summary>The kind of the certificate's public key; ECDSA on P-256/P-384 and RSA of at least 2048 bits are supported.</summary>
    public static TlsKeyKind GetKeyKind(X509Certificate2 certificate)
    {
        string algorithm = certificate.PublicKey.Oid.Value ?? string.Empty;
        if (string.Equals(algorithm, RsaEncryptionOid, StringComparison.Ordinal))
        {
            using RSA? rsa = certificate.GetRSAPublicKey();
            return rsa is not null && rsa.KeySize >= MinimumRsaKeySize ? TlsKeyKind.Rsa : TlsKeyKind.Unsupported;
        }

        if (string.Equals(algorithm, EcPublicKeyOid, StringComparison.Ordinal))
        {
            using ECDsa? ecdsa = certificate.GetECDsaPublicKey();
            if (ecdsa is null)
            {
                return TlsKeyKind.Unsupported;
            }

            ECCurve curve = ecdsa.ExportParameters(includePrivateParameters: false).Curve;
            string? oid = curve.Oid?.Value;
            string? name = curve.Oid?.FriendlyName;
            if (string.Equals(oid, P256Oid, StringComparison.Ordinal) || name is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1")
            {
                return TlsKeyKind.EcdsaP256;
            }

            if (string.Equals(oid, P384Oid, StringComparison.Ordinal) || name is "nistP384" or "ECDSA_P384" or "secp384r1")
            {
                return TlsKeyKind.EcdsaP384;
            }
        }

        return TlsKeyKind.Unsupported;
    }

    /// <summary>A readable description of a key for messages.</summary>
    public static string Describe(TlsKeyKind kind) => kind switch
    {
        TlsKeyKind.EcdsaP256 => "ECDSA P-256",
        TlsKeyKind.EcdsaP384 => "ECDSA P-384",
        TlsKeyKind.Rsa => "RSA",
        _ => "an unsupported key type",
    };

    /// <summary>The content covered by a CertificateVerify signature (RFC 9846 §4.5.2).</summary>
    public static byte[] BuildSignedContent(bool server, ReadOnlySpan<byte> transcriptHash)
    {
        string context = server ? "TLS 1.3, server CertificateVerify" : "TLS 1.3, client CertificateVerify";
        var content = new byte[64 + context.Length + 1 + transcriptHash.Length];
        content.AsSpan(0, 64).Fill(0x20);
        Encoding.ASCII.GetBytes(context, content.AsSpan(64));
        content[64 + context.Length] = 0;
        transcriptHash.CopyTo(content.AsSpan(64 + context.Length + 1));
        return content;
    }

    /// <summary>Signs <paramref name="content"/> with the credential's private key.</summary>
    public static byte[] Sign(TlsCertificateCredential credential, ushort scheme, byte[] content)
    {
        HashAlgorithmName hash = HashOf(scheme);
        if (credential.KeyKind == TlsKeyKind.Rsa)
        {
            using RSA rsa = credential.Certificate.GetRSAPrivateKey()
                ?? throw new InvalidOperationException("The certificate's RSA private key is not available.");
            return rsa.SignData(content, hash, RSASignaturePadding.Pss);
        }

        using ECDsa ecdsa = credential.Certificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("The certificate's ECDSA private key is not available.");
        return ecdsa.SignData(content, hash, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Verifies a peer's signature; false for a bad or malformed signature.</summary>
    public static bool Verify(X509Certificate2 certificate, TlsKeyKind kind, ushort scheme, byte[] content, byte[] signature)
    {
        HashAlgorithmName hash = HashOf(scheme);
        try
        {
            if (kind == TlsKeyKind.Rsa)
            {
                using RSA? rsa = certificate.GetRSAPublicKey();
                return rsa is not null && rsa.VerifyData(content, signature, hash, RSASignaturePadding.Pss);
            }

            using ECDsa? ecdsa = certificate.GetECDsaPublicKey();
            return ecdsa is not null && ecdsa.VerifyData(content, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The IANA name of a scheme for messages.</summary>
    public static string Describe(ushort scheme) =>
        Enum.IsDefined((TlsSignatureScheme)scheme) ? ((TlsSignatureScheme)scheme).ToString() : $"scheme 0x{scheme:x4}";

    private static bool Contains(IReadOnlyList<TlsSignatureScheme> schemes, ushort scheme)
    {
        foreach (TlsSignatureScheme candidate in schemes)
        {
            if ((ushort)candidate == scheme)
            {
                return true;
            }
        }

        return false;
    }

    private static HashAlgorithmName HashOf(ushort scheme) => (TlsSignatureScheme)scheme switch
    {
        TlsSignatureScheme.EcdsaSecp384r1Sha384 or TlsSignatureScheme.RsaPssRsaeSha384 => HashAlgorithmName.SHA384,
        TlsSignatureScheme.RsaPssRsaeSha512 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };
}
