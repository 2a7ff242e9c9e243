namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Signature schemes (RFC 9846 §4.3.3). The CertificateVerify schemes this engine implements are the
/// ECDSA P-256/P-384 and RSA-PSS (rsaEncryption key) ones; the PKCS#1 values are only advertised for
/// signatures inside certificates, which <c>X509Chain</c> checks.
/// </summary>
internal enum TlsSignatureScheme : ushort
{
    RsaPkcs1Sha256 = 0x0401,
    RsaPkcs1Sha384 = 0x0501,
    RsaPkcs1Sha512 = 0x0601,
    EcdsaSecp256r1Sha256 = 0x0403,
    EcdsaSecp384r1Sha384 = 0x0503,
    EcdsaSecp521r1Sha512 = 0x0603,
    RsaPssRsaeSha256 = 0x0804,
    RsaPssRsaeSha384 = 0x0805,
    RsaPssRsaeSha512 = 0x0806,
    Ed25519 = 0x0807,
    Ed448 = 0x0808,
    RsaPssPssSha256 = 0x0809,
    RsaPssPssSha384 = 0x080A,
    RsaPssPssSha512 = 0x080B,
}
