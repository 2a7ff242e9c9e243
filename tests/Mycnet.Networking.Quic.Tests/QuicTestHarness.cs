using System.Net;
using System.Net.Security;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>Listeners and clients on loopback with the test certificates and the test ALPN.</summary>
internal static class QuicTestHarness
{
    public const string Alpn = "mycnet-test";

    /// <summary>A guard against hangs: every await in a test finishes well within this, or the test fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static SslApplicationProtocol Protocol { get; } = new(Alpn);

    public static QuicServerConnectionOptions ServerOptions(Action<QuicServerConnectionOptions>? configure = null)
    {
        var options = new QuicServerConnectionOptions
        {
            DefaultStreamErrorCode = 0x51,
            DefaultCloseErrorCode = 0x52,
            ServerCertificate = TestCertificates.EcdsaP256Server,
            ServerCertificateChain = [TestCertificates.IntermediateCa],
            KeyLogFilePath = null,
            QlogDirectory = null,
        };
        configure?.Invoke(options);
        return options;
    }

    public static QuicListenerOptions ListenerOptions(IPAddress? address = null, Action<QuicServerConnectionOptions>? configure = null, QuicEngine engine = QuicEngine.Managed) => new()
    {
        Engine = engine,
        ListenEndPoint = new IPEndPoint(address ?? IPAddress.Loopback, 0),
        ApplicationProtocols = [Protocol],
        ConnectionOptions = ServerOptions(configure),
    };

    public static QuicClientConnectionOptions ClientOptions(IPEndPoint server, Action<QuicClientConnectionOptions>? configure = null, QuicEngine engine = QuicEngine.Managed)
    {
        var options = new QuicClientConnectionOptions
        {
            Engine = engine,
            RemoteEndPoint = server,
            TargetHost = "localhost",
            ApplicationProtocols = [Protocol],
            TrustedRootCertificates = TestCertificates.TrustedRoots,
            DefaultStreamErrorCode = 0x41,
            DefaultCloseErrorCode = 0x42,
            KeyLogFilePath = null,
            QlogDirectory = null,
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Server options that ask every client for a certificate chaining to the test roots.</summary>
    public static void RequireClientCertificate(QuicServerConnectionOptions options)
    {
        options.ClientCertificateRequired = true;
        options.TrustedClientRootCertificates = TestCertificates.TrustedRoots;
    }

    /// <summary>Client options that present the test client certificate and its intermediate.</summary>
    public static void PresentClientCertificate(QuicClientConnectionOptions options)
    {
        options.ClientCertificate = TestCertificates.Client;
        options.ClientCertificateChain = [TestCertificates.IntermediateCa];
    }

    public static ValueTask<QuicListener> ListenAsync(IPAddress? address = null, Action<QuicListenerOptions>? configureListener = null, Action<QuicServerConnectionOptions>? configureServer = null, QuicEngine engine = QuicEngine.Managed)
    {
        QuicListenerOptions options = ListenerOptions(address, configureServer, engine);
        configureListener?.Invoke(options);
        return QuicListener.ListenAsync(options);
    }

    /// <summary>The listener's address as a client reaches it (loopback of the listener's family).</summary>
    public static IPEndPoint Target(QuicListener listener)
    {
        IPEndPoint local = listener.LocalEndPoint;
        IPAddress address = local.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : local.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : local.Address;
        return new IPEndPoint(address, local.Port);
    }

    /// <summary>Connects a client (of <paramref name="engine"/>) to <paramref name="listener"/> and accepts it on the server side.</summary>
    public static async Task<(QuicConnection Client, QuicConnection Server)> ConnectPairAsync(QuicListener listener, Action<QuicClientConnectionOptions>? configure = null, QuicEngine engine = QuicEngine.Managed)
    {
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(Target(listener), configure, engine)).AsTask().WaitAsync(Timeout);
        QuicConnection server = await accept.AsTask().WaitAsync(Timeout);
        return (client, server);
    }

    public static Task<T> Guard<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(Timeout);

    public static Task Guard(this ValueTask task) => task.AsTask().WaitAsync(Timeout);

    public static Task<T> Guard<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Guard(this Task task) => task.WaitAsync(Timeout);
}
