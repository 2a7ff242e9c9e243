using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Tests.Engines;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>
/// Connecting, closing and the connection's properties, over real loopback sockets, on the engine
/// a derived class names (<see cref="QuicEngineTests.Engine"/>). Where the engines differ by design the derived
/// class states its engine's behaviour (the abstract expectations below) and the test checks that;
/// what only one engine has is tested in that engine's class.
/// </summary>
public abstract class QuicConnectionTests : QuicEngineTests
{
    /// <summary>
    /// Whether a client's own refusal of the server's certificate carries the TLS alert it sent as
    /// the transport error code (System.Net.Quic reports that refusal without it).
    /// </summary>
    protected abstract bool LocalCertificateRefusalCarriesAlert { get; }

    [EngineFact]
    public async Task Connect_OverIPv4_NegotiatesAlpnCipherAndCertificate()
    {
        await using QuicListener listener = await ListenAsync(IPAddress.Loopback);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(QuicTestHarness.Protocol, client.NegotiatedApplicationProtocol);
            Assert.Equal(QuicTestHarness.Protocol, server.NegotiatedApplicationProtocol);
            Assert.Contains(client.NegotiatedCipherSuite, AllSuites);
            Assert.Equal(client.NegotiatedCipherSuite, server.NegotiatedCipherSuite);
            Assert.Equal(TestCertificates.EcdsaP256Server.Thumbprint, client.RemoteCertificate!.Thumbprint);
            Assert.Null(server.RemoteCertificate);
            Assert.Equal("localhost", client.TargetHostName);
            Assert.Equal("localhost", server.TargetHostName);
            Assert.Equal(listener.LocalEndPoint, client.RemoteEndPoint);
            Assert.Equal(IPAddress.Loopback, server.RemoteEndPoint.Address);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        }
    }

    [EngineFact]
    public async Task Connect_OverIPv6Loopback_Works()
    {
        await using QuicListener listener = await ListenAsync(IPAddress.IPv6Loopback);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(IPAddress.IPv6Loopback, server.RemoteEndPoint.Address);
            await AssertEchoAsync(client, server);
        }
    }

    [EngineFact]
    public async Task DualStackListener_AcceptsAnIPv4Client_AndReportsItsIPv4Address()
    {
        await using QuicListener listener = await ListenAsync(IPAddress.IPv6Any);
        var target = new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port);
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(target)).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.Equal(IPAddress.Loopback, server.RemoteEndPoint.Address);
        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint.Address);
        await AssertEchoAsync(client, server);
    }

    [EngineFact]
    public async Task Connect_ToLocalhostByName_ResolvesWithoutALookup()
    {
        await using QuicListener listener = await ListenAsync(IPAddress.Loopback);
        var options = ClientOptions(listener.LocalEndPoint, o =>
        {
            o.RemoteEndPoint = new DnsEndPoint("localhost", listener.LocalEndPoint.Port);
            o.TargetHost = null;
        });
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(options).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.Equal("localhost", client.TargetHostName);
        Assert.Equal("localhost", server.TargetHostName);
    }

    [EngineFact]
    public async Task AlpnMismatch_FailsTheHandshake_WithNoApplicationProtocol()
    {
        await using QuicListener listener = await ListenAsync();
        var options = ClientOptions(QuicTestHarness.Target(listener), o => o.ApplicationProtocols = [new SslApplicationProtocol("other")]);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
        Assert.Equal(0x100 + 120, e.TransportErrorCode); // no_application_protocol (RFC 9001 §8.1)
    }

    [EngineFact]
    public async Task UntrustedCertificate_IsRefusedByDefault()
    {
        await using QuicListener listener = await ListenAsync();
        var options = ClientOptions(QuicTestHarness.Target(listener), o => o.TrustedRootCertificates = [TestCertificates.OtherRootCa]);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
        if (LocalCertificateRefusalCarriesAlert)
        {
            Assert.InRange(e.TransportErrorCode!.Value, 0x100, 0x1ff);
        }
        else
        {
            Assert.Null(e.TransportErrorCode);
        }
    }

    [EngineFact]
    public async Task UntrustedCertificate_IsAcceptedByTheValidationCallback_WhichSeesTheErrors()
    {
        await using QuicListener listener = await ListenAsync();
        SslPolicyErrors seen = SslPolicyErrors.None;
        string? subject = null;
        var options = ClientOptions(QuicTestHarness.Target(listener), o =>
        {
            o.TrustedRootCertificates = [TestCertificates.OtherRootCa];
            o.RemoteCertificateValidationCallback = (connection, certificate, chain, errors) =>
            {
                seen = errors;
                subject = certificate.Subject;
                return chain.Count > 0 && connection is not null;
            };
        });
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(options).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.True((seen & SslPolicyErrors.RemoteCertificateChainErrors) != 0);
        Assert.Equal(TestCertificates.EcdsaP256Server.Subject, subject);
    }

    [EngineFact]
    public async Task WrongTargetHost_IsRefused()
    {
        await using QuicListener listener = await ListenAsync();
        var options = ClientOptions(QuicTestHarness.Target(listener), o => o.TargetHost = "wrong.example");

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
    }

    [EngineFact]
    public async Task ClientCertificate_RequiredByTheServer_IsValidatedAndExposed()
    {
        await using QuicListener listener = await ListenAsync(configureServer: QuicTestHarness.RequireClientCertificate);
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener), QuicTestHarness.PresentClientCertificate)).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.Equal(TestCertificates.Client.Thumbprint, server.RemoteCertificate!.Thumbprint);
    }

    [EngineFact]
    public async Task ClientCertificate_Missing_WhenRequired_FailsTheHandshake()
    {
        await using QuicListener listener = await ListenAsync(configureServer: QuicTestHarness.RequireClientCertificate);

        // TLS 1.3: the client completes first; the server's refusal arrives as its CONNECTION_CLOSE.
        QuicException e = await Assert.ThrowsAsync<QuicException>(async () =>
        {
            await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard();
            await client.AcceptInboundStreamAsync().Guard();
        });
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
    }

    [EngineFact]
    public async Task CloseAsync_ErrorCode_IsObservedByThePeer()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            ValueTask<QuicStream> accept = server.AcceptInboundStreamAsync();
            await client.CloseAsync(0x1234).Guard();

            QuicException e = await Assert.ThrowsAsync<QuicException>(() => accept.Guard());
            Assert.Equal(QuicError.ConnectionAborted, e.QuicError);
            Assert.Equal(0x1234, e.ApplicationErrorCode);
            QuicException local = await Assert.ThrowsAsync<QuicException>(() => client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard());
            Assert.Equal(QuicError.OperationAborted, local.QuicError);
        }
    }

    [EngineFact]
    public async Task Dispose_ClosesWithTheDefaultCloseErrorCode()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (server)
        {
            ValueTask<QuicStream> accept = server.AcceptInboundStreamAsync();
            await client.DisposeAsync();

            QuicException e = await Assert.ThrowsAsync<QuicException>(() => accept.Guard());
            Assert.Equal(QuicError.ConnectionAborted, e.QuicError);
            Assert.Equal(0x42, e.ApplicationErrorCode);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).AsTask());
        }
    }

    [EngineTheory]
    [InlineData(TlsCipherSuite.TLS_AES_128_GCM_SHA256)]
    [InlineData(TlsCipherSuite.TLS_AES_256_GCM_SHA384)]
    [InlineData(TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256)]
    public async Task CipherSuites_RestrictedToOne_IsTheOneNegotiated(TlsCipherSuite suite)
    {
        await using QuicListener listener = await ListenAsync(configureServer: s => s.CipherSuites = [suite]);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener, o => o.CipherSuites = [suite]);
        await using (client)
        await using (server)
        {
            Assert.Equal(suite, client.NegotiatedCipherSuite);
            Assert.Equal(suite, server.NegotiatedCipherSuite);
            await AssertEchoAsync(client, server);
        }
    }

    [EngineFact]
    public async Task PeerAddressChange_TheServerFollowsTheClient_AsItsCapabilitiesSay()
    {
        await using QuicListener listener = await ListenAsync();
        await using var relay = new LoopbackRebindingRelay(QuicTestHarness.Target(listener));
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(relay.EndPoint)).Guard();
        await using QuicConnection server = await accept.Guard();
        Assert.True(server.Capabilities.PeerMigration);
        IPEndPoint before = relay.ServerSideEndPoint;
        Assert.Equal(before, server.RemoteEndPoint);
        await AssertEchoAsync(client, server);

        // The client's packets now come from a new port, and nothing reaches the old one: the
        // echo's answer arrives only if the server validated the new path and moved to it.
        relay.Rebind();
        await AssertEchoAsync(client, server);
        await AssertEchoAsync(server, client);
        Assert.NotEqual(before, relay.ServerSideEndPoint);
        Assert.Equal(relay.ServerSideEndPoint, server.RemoteEndPoint);
    }

    [EngineFact]
    public async Task Capabilities_NameTheEngine()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(Engine, client.Capabilities.Engine);
            Assert.Equal(Engine, server.Capabilities.Engine);
            Assert.Equal(Engine, listener.Engine);
            Assert.True(QuicConnection.IsEngineSupported(Engine) && QuicListener.IsEngineSupported(Engine));
        }
    }

    [EngineFact]
    public async Task ManyStreams_BeyondThePeersLimit_OpenAsThePeerClosesStreams()
    {
        await using QuicListener listener = await ListenAsync(configureServer: s => s.MaxInboundBidirectionalStreams = 8);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            const int Streams = 60;
            Task serving = Task.Run(async () =>
            {
                for (int i = 0; i < Streams; i++)
                {
                    await using QuicStream stream = await server.AcceptInboundStreamAsync();
                    var buffer = new byte[16];
                    int n = await stream.ReadAsync(buffer);
                    while (await stream.ReadAsync(buffer.AsMemory(n)) is var more && more > 0)
                    {
                        n += more;
                    }

                    await stream.WriteAsync(buffer.AsMemory(0, n), completeWrites: true);
                }
            });

            for (int i = 0; i < Streams; i++)
            {
                await using QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
                byte[] message = System.Text.Encoding.ASCII.GetBytes($"stream {i}");
                await stream.WriteAsync(message, completeWrites: true).Guard();
                var reply = new byte[16];
                int total = 0;
                int n;
                while ((n = await stream.ReadAsync(reply.AsMemory(total)).Guard()) > 0)
                {
                    total += n;
                }

                Assert.Equal(message, reply[..total]);
            }

            await serving.Guard();
        }
    }

    [EngineFact]
    public async Task OpenOutboundStream_WaitingForTheLimit_CanBeCancelled()
    {
        await using QuicListener listener = await ListenAsync(configureServer: s => s.MaxInboundUnidirectionalStreams = 1);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicStream first = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).Guard();
            using var cancellation = new CancellationTokenSource();
            ValueTask<QuicStream> second = client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional, cancellation.Token);
            Assert.False(second.IsCompleted);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.Guard());
            await first.DisposeAsync();
        }
    }

    [EngineFact]
    public async Task AcceptInboundStream_CanBeCancelled()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            using var cancellation = new CancellationTokenSource();
            ValueTask<QuicStream> accept = server.AcceptInboundStreamAsync(cancellation.Token);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.Guard());

            // The connection is unharmed.
            await AssertEchoAsync(client, server);
        }
    }

    [EngineFact]
    public async Task Connect_ToNobody_CanBeCancelled()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var cancellation = new CancellationTokenSource();

        ValueTask<QuicConnection> connect = QuicConnection.ConnectAsync(ClientOptions((IPEndPoint)silent.LocalEndPoint!), cancellation.Token);
        Assert.False(connect.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.Guard());
    }

    [EngineFact]
    public async Task Connect_ToNobody_FailsAfterTheHandshakeTimeout()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = ClientOptions((IPEndPoint)silent.LocalEndPoint!, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.ConnectionTimeout, e.QuicError);
    }

    [EngineFact]
    public async Task Connect_FromAnAddressInUse_Fails()
    {
        using var taken = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using QuicListener listener = await ListenAsync();
        var options = ClientOptions(QuicTestHarness.Target(listener), o => o.LocalEndPoint = (IPEndPoint)taken.LocalEndPoint!);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.AddressInUse, e.QuicError);
    }

    private static readonly TlsCipherSuite[] AllSuites =
        [TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256];

    internal static async Task AssertEchoAsync(QuicConnection client, QuicConnection server)
    {
        QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
        await stream.WriteAsync("echo"u8.ToArray(), completeWrites: true).Guard();
        QuicStream accepted = await server.AcceptInboundStreamAsync().Guard();
        var buffer = new byte[16];
        int n = 0;
        int read;
        while ((read = await accepted.ReadAsync(buffer.AsMemory(n)).Guard()) > 0)
        {
            n += read;
        }

        await accepted.WriteAsync(buffer.AsMemory(0, n), completeWrites: true).Guard();
        var reply = new byte[16];
        int m = 0;
        while ((read = await stream.ReadAsync(reply.AsMemory(m)).Guard()) > 0)
        {
            m += read;
        }

        Assert.Equal("echo", System.Text.Encoding.ASCII.GetString(reply, 0, m));
    }
}
