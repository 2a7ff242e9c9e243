using System.Net;

namespace Mycnet.Networking.Quic.Tests.Engines;

/// <summary>
/// The base of test classes that run over every engine: a derived class names its
/// <see cref="Engine"/>, and the helpers make listeners and clients of it with the test harness's
/// certificates and ALPN. A derived class for an engine the host may lack carries
/// <see cref="RequiresQuicEngineAttribute"/>, and the tests are <see cref="EngineFactAttribute"/>s.
/// </summary>
public abstract class QuicEngineTests
{
    /// <summary>The engine of every connection and listener the tests make.</summary>
    protected abstract QuicEngine Engine { get; }

    protected ValueTask<QuicListener> ListenAsync(IPAddress? address = null, Action<QuicListenerOptions>? configureListener = null, Action<QuicServerConnectionOptions>? configureServer = null) =>
        QuicTestHarness.ListenAsync(address, configureListener, configureServer, Engine);

    protected Task<(QuicConnection Client, QuicConnection Server)> ConnectPairAsync(QuicListener listener, Action<QuicClientConnectionOptions>? configure = null) =>
        QuicTestHarness.ConnectPairAsync(listener, configure, Engine);

    protected QuicClientConnectionOptions ClientOptions(IPEndPoint server, Action<QuicClientConnectionOptions>? configure = null) =>
        QuicTestHarness.ClientOptions(server, configure, Engine);
}
