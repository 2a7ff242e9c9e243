namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// AEAD usage limits of QUIC (RFC 9001 §6.6, Appendix B). The confidentiality limit bounds the
/// packets encrypted under one key; the integrity limit bounds the packets that fail
/// authentication over the whole connection, across all keys.
/// </summary>
internal static class AeadLimits
{
    /// <summary>
    /// The fraction of the confidentiality limit, in eighths, at which a key counts as "near" its
    /// limit so that the connection initiates a key update while there is room to finish it
    /// (an update needs an acknowledgment first, RFC 9001 §6.1).
    /// </summary>
    public const int NearLimitEighths = 6;

    /// <summary>AES-GCM confidentiality limit: 2^23 packets (RFC 9001 §6.6).</summary>
    public const long AesGcmConfidentialityLimit = 1L << 23;

    /// <summary>AES-GCM integrity limit: 2^52 forged packets (RFC 9001 §6.6).</summary>
    public const long AesGcmIntegrityLimit = 1L << 52;

    /// <summary>ChaCha20-Poly1305 integrity limit: 2^36 forged packets (RFC 9001 §6.6).</summary>
    public const long ChaCha20Poly1305IntegrityLimit = 1L << 36;

    /// <summary>
    /// The confidentiality limit of the suite's AEAD in packets. ChaCha20-Poly1305's limit exceeds
    /// the 2^62 packet numbers a connection can use (RFC 9001 §6.6), so it has none.
    /// </summary>
    public static long ConfidentialityLimit(this CipherSuite suite) =>
        suite == CipherSuite.ChaCha20Poly1305Sha256 ? long.MaxValue : AesGcmConfidentialityLimit;

    /// <summary>The integrity limit of the suite's AEAD in packets that failed authentication.</summary>
    public static long IntegrityLimit(this CipherSuite suite) =>
        suite == CipherSuite.ChaCha20Poly1305Sha256 ? ChaCha20Poly1305IntegrityLimit : AesGcmIntegrityLimit;

    /// <summary>The packet count at which a key with <paramref name="confidentialityLimit"/> is near its limit.</summary>
    public static long NearThreshold(long confidentialityLimit) =>
        confidentialityLimit == long.MaxValue ? long.MaxValue : confidentialityLimit / 8 * NearLimitEighths;
}
