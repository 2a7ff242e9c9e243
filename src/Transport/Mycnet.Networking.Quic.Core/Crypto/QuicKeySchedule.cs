using System.Security.Cryptography;

namespace Mycnet.Networking.Quic.Core.Crypto;

/// <summary>
/// QUIC's uses of HKDF-Expand-Label (RFC 9001 §5.1, §5.2, §6.1): packet protection key, IV and
/// header protection key from a traffic secret; the next 1-RTT secret of a key update; and the
/// Initial secrets from the client's first Destination Connection ID. All use an empty context.
/// </summary>
internal static class QuicKeySchedule
{
    /// <summary>The QUIC v1 Initial salt (RFC 9001 §5.2).</summary>
    public static ReadOnlySpan<byte> InitialSaltV1 =>
    [
        0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
        0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a,
    ];

    /// <summary>The length of the Initial secrets: the SHA-256 output (RFC 9001 §5.2).</summary>
    public const int InitialSecretLength = 32;

    /// <summary>The cipher suite of Initial packets (RFC 9001 §5.2).</summary>
    public const CipherSuite InitialSuite = CipherSuite.Aes128GcmSha256;

    /// <summary>The longest traffic secret of the supported suites (SHA-384).</summary>
    public const int MaxSecretLength = 48;

    /// <summary>The longest AEAD or header protection key of the supported suites.</summary>
    public const int MaxKeyLength = 32;

    private static ReadOnlySpan<byte> KeyLabel => "quic key"u8;

    private static ReadOnlySpan<byte> IvLabel => "quic iv"u8;

    private static ReadOnlySpan<byte> HeaderProtectionLabel => "quic hp"u8;

    private static ReadOnlySpan<byte> KeyUpdateLabel => "quic ku"u8;

    private static ReadOnlySpan<byte> ClientInitialLabel => "client in"u8;

    private static ReadOnlySpan<byte> ServerInitialLabel => "server in"u8;

    /// <summary>
    /// Derives the client and server Initial secrets from the client's first Destination
    /// Connection ID (RFC 9001 §5.2). Both outputs take <see cref="InitialSecretLength"/> bytes.
    /// </summary>
    public static void DeriveInitialSecrets(ReadOnlySpan<byte> clientDestinationConnectionId, Span<byte> clientSecret, Span<byte> serverSecret)
    {
        if (clientDestinationConnectionId.Length > ConnectionId.MaxLength)
        {
            throw new ArgumentException("A QUIC v1 connection ID has at most 20 bytes.", nameof(clientDestinationConnectionId));
        }

        Span<byte> initialSecret = stackalloc byte[InitialSecretLength];
        HKDF.Extract(HashAlgorithmName.SHA256, clientDestinationConnectionId, InitialSaltV1, initialSecret);
        HkdfLabel.Expand(HashAlgorithmName.SHA256, initialSecret, ClientInitialLabel, default, clientSecret[..InitialSecretLength]);
        HkdfLabel.Expand(HashAlgorithmName.SHA256, initialSecret, ServerInitialLabel, default, serverSecret[..InitialSecretLength]);
        CryptographicOperations.ZeroMemory(initialSecret);
    }

    /// <summary>The AEAD key: HKDF-Expand-Label(secret, "quic key", "", key length) (RFC 9001 §5.1).</summary>
    public static void DeriveKey(CipherSuite suite, ReadOnlySpan<byte> secret, Span<byte> key) =>
        HkdfLabel.Expand(suite.Hash(), secret, KeyLabel, default, key[..suite.KeyLength()]);

    /// <summary>The AEAD IV: HKDF-Expand-Label(secret, "quic iv", "", 12) (RFC 9001 §5.1).</summary>
    public static void DeriveIv(CipherSuite suite, ReadOnlySpan<byte> secret, Span<byte> iv) =>
        HkdfLabel.Expand(suite.Hash(), secret, IvLabel, default, iv[..CipherSuiteInfo.IvLength]);

    /// <summary>The header protection key: HKDF-Expand-Label(secret, "quic hp", "", key length) (RFC 9001 §5.1).</summary>
    public static void DeriveHeaderProtectionKey(CipherSuite suite, ReadOnlySpan<byte> secret, Span<byte> hpKey) =>
        HkdfLabel.Expand(suite.Hash(), secret, HeaderProtectionLabel, default, hpKey[..suite.HeaderProtectionKeyLength()]);

    /// <summary>The next 1-RTT secret: HKDF-Expand-Label(secret, "quic ku", "", Hash.length) (RFC 9001 §6.1).</summary>
    public static void DeriveNextSecret(CipherSuite suite, ReadOnlySpan<byte> secret, Span<byte> nextSecret) =>
        HkdfLabel.Expand(suite.Hash(), secret, KeyUpdateLabel, default, nextSecret[..suite.HashLength()]);

    /// <summary>Throws unless <paramref name="secret"/> has the suite's hash length.</summary>
    public static void ValidateSecret(CipherSuite suite, ReadOnlySpan<byte> secret)
    {
        if (!CipherSuiteInfo.IsKnown((ushort)suite))
        {
            throw new ArgumentOutOfRangeException(nameof(suite), suite, "Unknown cipher suite.");
        }

        if (secret.Length != suite.HashLength())
        {
            throw new ArgumentException($"A {suite} traffic secret has {suite.HashLength()} bytes; got {secret.Length}.", nameof(secret));
        }
    }
}
