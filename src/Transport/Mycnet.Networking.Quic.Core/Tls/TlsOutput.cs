using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>What a <see cref="TlsOutput"/> asks the connection to do.</summary>
internal enum TlsOutputKind
{
    /// <summary>Send <see cref="TlsOutput.Data"/> in CRYPTO frames at <see cref="TlsOutput.Level"/>.</summary>
    CryptoData,

    /// <summary>Install receive keys for <see cref="TlsOutput.Level"/> from <see cref="TlsOutput.Secret"/>.</summary>
    ReadSecret,

    /// <summary>Install send keys for <see cref="TlsOutput.Level"/> from <see cref="TlsOutput.Secret"/>.</summary>
    WriteSecret,

    /// <summary>The handshake is complete (RFC 9001 §4.1.1).</summary>
    HandshakeComplete,
}

/// <summary>
/// One output of an <see cref="ITlsHandshake"/>. Secrets carry the negotiated suite (packet protection
/// derives key, IV and header protection key from the secret with the suite's hash, RFC 9001 §5.1)
/// and the NSS key-log label for SSLKEYLOGFILE lines: <c>label client_random_hex secret_hex</c>.
/// </summary>
internal readonly struct TlsOutput
{
    private readonly ReadOnlyMemory<byte> _bytes;

    private TlsOutput(TlsOutputKind kind, EncryptionLevel level, ReadOnlyMemory<byte> bytes, CipherSuite suite, string? keyLogLabel)
    {
        Kind = kind;
        Level = level;
        _bytes = bytes;
        Suite = suite;
        KeyLogLabel = keyLogLabel;
    }

    public TlsOutputKind Kind { get; }

    /// <summary>The encryption level of the data or keys (unused for HandshakeComplete).</summary>
    public EncryptionLevel Level { get; }

    /// <summary>CryptoData: the handshake bytes to send, in order after those sent before at this level.</summary>
    public ReadOnlyMemory<byte> Data => Kind == TlsOutputKind.CryptoData ? _bytes : ReadOnlyMemory<byte>.Empty;

    /// <summary>ReadSecret/WriteSecret: the traffic secret (hash-length bytes).</summary>
    public ReadOnlyMemory<byte> Secret => Kind is TlsOutputKind.ReadSecret or TlsOutputKind.WriteSecret ? _bytes : ReadOnlyMemory<byte>.Empty;

    /// <summary>ReadSecret/WriteSecret: the negotiated cipher suite.</summary>
    public CipherSuite Suite { get; }

    /// <summary>
    /// ReadSecret/WriteSecret: CLIENT_HANDSHAKE_TRAFFIC_SECRET, SERVER_HANDSHAKE_TRAFFIC_SECRET,
    /// CLIENT_TRAFFIC_SECRET_0 or SERVER_TRAFFIC_SECRET_0.
    /// </summary>
    public string? KeyLogLabel { get; }

    public static TlsOutput CryptoData(EncryptionLevel level, ReadOnlyMemory<byte> data) =>
        new(TlsOutputKind.CryptoData, level, data, default, null);

    public static TlsOutput ReadSecret(EncryptionLevel level, CipherSuite suite, ReadOnlyMemory<byte> secret, string keyLogLabel) =>
        new(TlsOutputKind.ReadSecret, level, secret, suite, keyLogLabel);

    public static TlsOutput WriteSecret(EncryptionLevel level, CipherSuite suite, ReadOnlyMemory<byte> secret, string keyLogLabel) =>
        new(TlsOutputKind.WriteSecret, level, secret, suite, keyLogLabel);

    public static TlsOutput HandshakeComplete() => new(TlsOutputKind.HandshakeComplete, default, default, default, null);

    public override string ToString() => Kind switch
    {
        TlsOutputKind.CryptoData => $"CryptoData({Level}, {_bytes.Length} bytes)",
        TlsOutputKind.ReadSecret or TlsOutputKind.WriteSecret => $"{Kind}({Level}, {Suite}, {KeyLogLabel})",
        _ => Kind.ToString(),
    };
}

/// <summary>The NSS key-log labels (the SSLKEYLOGFILE format).</summary>
internal static class TlsKeyLogLabels
{
    public const string ClientHandshakeTrafficSecret = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    public const string ServerHandshakeTrafficSecret = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    public const string ClientTrafficSecret0 = "CLIENT_TRAFFIC_SECRET_0";
    public const string ServerTrafficSecret0 = "SERVER_TRAFFIC_SECRET_0";

    /// <summary>One NSS key-log line (no newline): <c>LABEL client_random_hex secret_hex</c>, lowercase hex.</summary>
    public static string FormatLine(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) =>
        $"{label} {Convert.ToHexStringLower(clientRandom)} {Convert.ToHexStringLower(secret)}";
}
