using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Testing.Quic;

/// <summary>Ready-made configurations for engine tests: trusted test certificates, the "test" ALPN.</summary>
internal static class QuicTestConfig
{
    public const string Alpn = "mycnet-test";

    public static TlsServerOptions ServerTls(TlsCertificateCredential? certificate = null) => new()
    {
        Certificate = certificate ?? new TlsCertificateCredential(TestCertificates.EcdsaP256Server, [TestCertificates.IntermediateCa]),
        ApplicationProtocols = [Alpn],
    };

    public static TlsClientOptions ClientTls(string serverName = "localhost") => new()
    {
        ServerName = serverName,
        ApplicationProtocols = [Alpn],
        TrustedRoots = TestCertificates.TrustedRoots,
    };

    public static EndpointConfig Server(int seed, TransportSettings? transport = null, bool requireRetry = false, TlsServerOptions? tls = null, byte[]? resetKey = null) => new()
    {
        StatelessResetKey = resetKey ?? default(ReadOnlyMemory<byte>),
        ServerTransport = transport ?? new TransportSettings(),
        ServerTls = tls ?? ServerTls(),
        RequireRetry = requireRetry,
        Random = new SeededRandomSource(seed),
    };

    public static EndpointConfig Client(int seed) => new()
    {
        Random = new SeededRandomSource(seed),
    };
}
