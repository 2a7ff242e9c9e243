using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>Options, credentials and message helpers shared by the TLS tests.</summary>
internal static class TlsTestSetup
{
    public static readonly byte[] ClientTransportParameters = [0x01, 0x04, 0x80, 0x00, 0x75, 0x30, 0x0F, 0x00];
    public static readonly byte[] ServerTransportParameters = [0x03, 0x02, 0x45, 0xC0, 0x0F, 0x04, 0xDE, 0xAD, 0xBE, 0xEF];

    private static readonly Lazy<TlsCertificateCredential> LazyP256 = new(() => Credential(TestCertificates.EcdsaP256Server));
    private static readonly Lazy<TlsCertificateCredential> LazyP384 = new(() => Credential(TestCertificates.EcdsaP384Server));
    private static readonly Lazy<TlsCertificateCredential> LazyRsa = new(() => Credential(TestCertificates.Rsa2048Server));
    private static readonly Lazy<TlsCertificateCredential> LazyClient = new(() => Credential(TestCertificates.Client));

    public static TlsCertificateCredential ServerP256 => LazyP256.Value;

    public static TlsCertificateCredential ServerP384 => LazyP384.Value;

    public static TlsCertificateCredential ServerRsa => LazyRsa.Value;

    public static TlsCertificateCredential ClientCredential => LazyClient.Value;

    /// <summary>A credential with the intermediate CA sent after the leaf.</summary>
    public static TlsCertificateCredential Credential(X509Certificate2 leaf) => new(leaf, [TestCertificates.IntermediateCa]);

    public static TlsClientOptions Client(
        string serverName = "server.test",
        IReadOnlyList<string>? alpn = null,
        IReadOnlyList<CipherSuite>? suites = null,
        IReadOnlyList<TlsNamedGroup>? groups = null,
        IReadOnlyList<TlsNamedGroup>? keyShareGroups = null,
        IReadOnlyList<TlsSignatureScheme>? schemes = null,
        X509Certificate2Collection? trustedRoots = null,
        Func<TlsCertificateValidationContext, bool>? hook = null,
        TlsCertificateCredential? clientCertificate = null,
        byte[]? transportParameters = null,
        TimeProvider? timeProvider = null) => new()
        {
            ServerName = serverName,
            ApplicationProtocols = alpn ?? ["h3"],
            CipherSuites = suites ?? [CipherSuite.Aes128GcmSha256, CipherSuite.Aes256GcmSha384, CipherSuite.ChaCha20Poly1305Sha256],
            KeyExchangeGroups = groups ?? [TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1],
            KeyShareGroups = keyShareGroups ?? [TlsNamedGroup.Secp256r1],
            SignatureSchemes = schemes ?? TlsSignatures.DefaultSchemes,
            TrustedRoots = trustedRoots ?? TestCertificates.TrustedRoots,
            CertificateValidationHook = hook,
            ClientCertificate = clientCertificate,
            TransportParameters = transportParameters ?? ClientTransportParameters,
            TimeProvider = timeProvider ?? TimeProvider.System,
        };

    public static TlsServerOptions Server(
        TlsCertificateCredential? certificate = null,
        Func<string?, TlsCertificateCredential?>? selector = null,
        IReadOnlyList<string>? alpn = null,
        IReadOnlyList<CipherSuite>? suites = null,
        IReadOnlyList<TlsNamedGroup>? groups = null,
        IReadOnlyList<TlsSignatureScheme>? schemes = null,
        TlsClientCertificateMode clientCertificateMode = TlsClientCertificateMode.None,
        X509Certificate2Collection? clientRoots = null,
        Func<TlsCertificateValidationContext, bool>? clientHook = null,
        byte[]? transportParameters = null) => new()
        {
            Certificate = selector is null ? certificate ?? ServerP256 : certificate,
            CertificateSelector = selector,
            ApplicationProtocols = alpn ?? ["h3"],
            CipherSuites = suites ?? [CipherSuite.Aes128GcmSha256, CipherSuite.Aes256GcmSha384, CipherSuite.ChaCha20Poly1305Sha256],
            KeyExchangeGroups = groups ?? [TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1],
            SignatureSchemes = schemes ?? TlsSignatures.DefaultSchemes,
            ClientCertificateMode = clientCertificateMode,
            ClientCertificateTrustedRoots = clientRoots ?? TestCertificates.TrustedRoots,
            ClientCertificateValidationHook = clientHook,
            TransportParameters = transportParameters ?? ServerTransportParameters,
        };

    /// <summary>A hand-built ClientHello; every extension can be replaced or left out.</summary>
    public static ClientHelloMessage ClientHello(
        IReadOnlyList<KeyShareEntry>? keyShares = null,
        IReadOnlyList<ushort>? supportedGroups = null,
        IReadOnlyList<ushort>? suites = null,
        bool alpn = true,
        bool transportParameters = true,
        byte[]? cookie = null,
        byte[]? random = null,
        byte[]? sessionId = null,
        IReadOnlyList<TlsExtension>? other = null) => new()
        {
            Random = random ?? RandomNumberGenerator.GetBytes(32),
            LegacySessionId = sessionId ?? [],
            CipherSuites = suites ?? [0x1301, 0x1302, 0x1303],
            ServerName = "server.test",
            SupportedVersions = [0x0304],
            SupportedGroups = supportedGroups ?? [0x0017, 0x0018],
            SignatureAlgorithms = [0x0403, 0x0503, 0x0804, 0x0805, 0x0806],
            KeyShares = keyShares ?? [],
            ApplicationProtocols = alpn ? ["h3"u8.ToArray()] : null,
            TransportParameters = transportParameters ? ClientTransportParameters : null,
            Cookie = cookie,
            OtherExtensions = other ?? [],
        };

    /// <summary>Splits a flight into whole handshake messages (headers included).</summary>
    public static List<byte[]> SplitMessages(byte[] flight)
    {
        var messages = new List<byte[]>();
        int offset = 0;
        while (offset < flight.Length)
        {
            int length = (flight[offset + 1] << 16) | (flight[offset + 2] << 8) | flight[offset + 3];
            messages.Add(flight.AsSpan(offset, 4 + length).ToArray());
            offset += 4 + length;
        }

        return messages;
    }

    public static byte[] Join(IEnumerable<byte[]> messages) => messages.SelectMany(m => m).ToArray();

    /// <summary>A flight with the message of <paramref name="type"/> replaced.</summary>
    public static byte[] ReplaceMessage(byte[] flight, TlsHandshakeType type, byte[] replacement) =>
        Join(SplitMessages(flight).Select(m => m[0] == (byte)type ? replacement : m));

    /// <summary>A message header and body of the given type.</summary>
    public static byte[] Message(TlsHandshakeType type, byte[] body) =>
        [(byte)type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    /// <summary>Asserts that an action fails with exactly this alert and returns the exception.</summary>
    public static TlsAlertException AssertAlert(TlsAlert alert, Action action)
    {
        TlsAlertException e = Assert.Throws<TlsAlertException>(action);
        Assert.True(alert == e.Alert, $"Expected {alert}, got {e.Alert}: {e.Message}");
        return e;
    }
}
