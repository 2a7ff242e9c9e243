using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>The TLS 1.3 cipher suites QUIC v1 uses (RFC 9846 §B.4, RFC 9001 §5.3), by their TLS code points.</summary>
public enum CipherSuite : ushort
{
    Aes128GcmSha256 = 0x1301,
    Aes256GcmSha384 = 0x1302,
    ChaCha20Poly1305Sha256 = 0x1303,
}

/// <summary>The parameters of each cipher suite.</summary>
internal static class CipherSuiteInfo
{
    public static bool IsKnown(ushort codePoint) => codePoint is 0x1301 or 0x1302 or 0x1303;

    /// <summary>The hash of the suite's HKDF and transcript.</summary>
    public static HashAlgorithmName Hash(this CipherSuite suite) =>
        suite == CipherSuite.Aes256GcmSha384 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>The hash output length in bytes, which is also the length of every traffic secret.</summary>
    public static int HashLength(this CipherSuite suite) => suite == CipherSuite.Aes256GcmSha384 ? 48 : 32;

    /// <summary>The AEAD key length in bytes.</summary>
    public static int KeyLength(this CipherSuite suite) => suite == CipherSuite.Aes128GcmSha256 ? 16 : 32;

    /// <summary>The AEAD nonce (IV) length in bytes.</summary>
    public const int IvLength = 12;

    /// <summary>The AEAD authentication tag length in bytes; also QUIC's packet protection expansion.</summary>
    public const int TagLength = 16;

    /// <summary>The header protection key length (RFC 9001 §5.4): the AEAD key length.</summary>
    public static int HeaderProtectionKeyLength(this CipherSuite suite) => suite.KeyLength();
}
