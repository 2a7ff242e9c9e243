using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>Connecting, closing and the connection's properties, over real loopback sockets.</summary>
public sealed class QuicConnectionTests
{
    [Fact]
    public async Task Connect_OverIPv4_NegotiatesAlpnCipherAndCertificate()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(IPAddress.Loopback);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(QuicTestHarness.Protocol, client.NegotiatedApplicationProtocol);
            Assert.Equal(QuicTestHarness.Protocol, server.NegotiatedApplicationProtocol);
            Assert.Equal(TlsCipherSuite.TLS_AES_128_GCM_SHA256, client.NegotiatedCipherSuite);
            Assert.Equal(TestCertificates.EcdsaP256Server.Thumbprint, client.RemoteCertificate!.Thumbprint);
            Assert.Null(server.RemoteCertificate);
            Assert.Equal("localhost", client.TargetHostName);
            Assert.Equal("localhost", server.TargetHostName);
            Assert.Equal(listener.LocalEndPoint, client.RemoteEndPoint);
            Assert.Equal(IPAddress.Loopback, server.RemoteEndPoint.Address);
            Assert.Equal(client.LocalEndPoint, server.RemoteEndPoint);
        }
    }

    [Fact]
    public async Task Connect_OverIPv6Loopback_Works()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(IPAddress.IPv6Loopback);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(IPAddress.IPv6Loopback, server.RemoteEndPoint.Address);
            await AssertEchoAsync(client, server);
        }
    }

    [Fact]
    public async Task DualStackListener_AcceptsAnIPv4Client_AndReportsItsIPv4Address()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(IPAddress.IPv6Any);
        var target = new IPEndPoint(IPAddress.Loopback, listener.LocalEndPoint.Port);
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(target)).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.Equal(IPAddress.Loopback, server.RemoteEndPoint.Address);
        Assert.Equal(IPAddress.Loopback, server.LocalEndPoint.Address);
        await AssertEchoAsync(client, server);
    }

    [Fact]
    public async Task Connect_ToLocalhostByName_ResolvesWithoutALookup()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(IPAddress.Loopback);
        var options = QuicTestHarness.ClientOptions(listener.LocalEndPoint, o =>
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

    [Fact]
    public async Task AlpnMismatch_FailsTheHandshake_WithNoApplicationProtocol()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        var options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o => o.ApplicationProtocols = [new SslApplicationProtocol("other")]);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
        Assert.Equal(0x100 + 120, e.TransportErrorCode); // no_application_protocol (RFC 9001 §8.1)
    }

    [Fact]
    public async Task UntrustedCertificate_IsRefusedByDefault()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        var options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o => o.TrustedRootCertificates = [TestCertificates.OtherRootCa]);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
        Assert.InRange(e.TransportErrorCode!.Value, 0x100, 0x1ff);
    }

    [Fact]
    public async Task UntrustedCertificate_IsAcceptedByTheValidationCallback_WhichSeesTheErrors()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        SslPolicyErrors seen = SslPolicyErrors.None;
        string? subject = null;
        var options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o =>
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

    [Fact]
    public async Task WrongTargetHost_IsRefused()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        var options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o => o.TargetHost = "wrong.example");

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
    }

    [Fact]
    public async Task ClientCertificate_RequiredByTheServer_IsValidatedAndExposed()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s =>
        {
            s.ClientCertificateRequired = true;
            s.TrustedClientRootCertificates = TestCertificates.TrustedRoots;
        });
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o =>
        {
            o.ClientCertificate = TestCertificates.Client;
            o.ClientCertificateChain = [TestCertificates.IntermediateCa];
        })).Guard();
        await using QuicConnection server = await accept.Guard();

        Assert.Equal(TestCertificates.Client.Thumbprint, server.RemoteCertificate!.Thumbprint);
    }

    [Fact]
    public async Task ClientCertificate_Missing_WhenRequired_FailsTheHandshake()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s =>
        {
            s.ClientCertificateRequired = true;
            s.TrustedClientRootCertificates = TestCertificates.TrustedRoots;
        });

        // TLS 1.3: the client completes first; the server's refusal arrives as its CONNECTION_CLOSE.
        QuicException e = await Assert.ThrowsAsync<QuicException>(async () =>
        {
            await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener))).Guard();
            await client.AcceptInboundStreamAsync().Guard();
        });
        Assert.Equal(QuicError.HandshakeFailure, e.QuicError);
    }

    [Fact]
    public async Task CloseAsync_ErrorCode_IsObservedByThePeer()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
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

    [Fact]
    public async Task Dispose_ClosesWithTheDefaultCloseErrorCode_AndReleasesTheSocket()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (server)
        {
            ValueTask<QuicStream> accept = server.AcceptInboundStreamAsync();
            await client.DisposeAsync();

            QuicException e = await Assert.ThrowsAsync<QuicException>(() => accept.Guard());
            Assert.Equal(0x42, e.ApplicationErrorCode);
            await client.Driver.Terminated.Guard();
            await client.Driver.Endpoint.Closed.Guard();
            Assert.True(client.Driver.Endpoint.Socket.IsDisposed);
            await Assert.ThrowsAsync<ObjectDisposedException>(() => client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).AsTask());
        }
    }

    [Fact]
    public async Task ManyStreams_BeyondThePeersLimit_OpenAsThePeerClosesStreams()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.MaxInboundBidirectionalStreams = 8);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
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

    [Fact]
    public async Task OpenOutboundStream_WaitingForTheLimit_CanBeCancelled()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.MaxInboundUnidirectionalStreams = 1);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
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

    [Fact]
    public async Task AcceptInboundStream_CanBeCancelled()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
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

    [Fact]
    public async Task Connect_ToNobody_CanBeCancelled()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var cancellation = new CancellationTokenSource();

        ValueTask<QuicConnection> connect = QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions((IPEndPoint)silent.LocalEndPoint!), cancellation.Token);
        Assert.False(connect.IsCompleted);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connect.Guard());
    }

    [Fact]
    public async Task Connect_ToNobody_FailsAfterTheHandshakeTimeout()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = QuicTestHarness.ClientOptions((IPEndPoint)silent.LocalEndPoint!, o => o.HandshakeTimeout = TimeSpan.FromMilliseconds(300));

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.ConnectionTimeout, e.QuicError);
    }

    [Fact]
    public async Task Connect_FromAnAddressInUse_Fails()
    {
        using var taken = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        var options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o => o.LocalEndPoint = (IPEndPoint)taken.LocalEndPoint!);

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(options).Guard());
        Assert.Equal(QuicError.AddressInUse, e.QuicError);
    }

    [Fact]
    public async Task Statistics_AfterATransfer_AreFilledIn_AndTheWindowGrew()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).Guard();
            Task writing = stream.WriteAsync(new byte[4 << 20], completeWrites: true).AsTask();
            QuicStream accepted = await server.AcceptInboundStreamAsync().Guard();
            var buffer = new byte[64 * 1024];
            long received = 0;
            int n;
            while ((n = await accepted.ReadAsync(buffer).Guard()) > 0)
            {
                received += n;
            }

            await writing.Guard();
            await stream.WritesClosed.Guard();

            QuicConnectionStatistics sender = client.GetStatistics();
            QuicConnectionStatistics receiver = server.GetStatistics();
            Assert.Equal(4 << 20, received);
            Assert.True(sender.BytesSent > 4 << 20);
            Assert.True(receiver.BytesReceived > 4 << 20);
            Assert.True(sender.PacketsSent > (4 << 20) / 1500, $"packets {sender.PacketsSent}");
            Assert.True(receiver.PacketsReceived > (4 << 20) / 1500, $"packets {receiver.PacketsReceived}");
            Assert.True(sender.SmoothedRtt > TimeSpan.Zero && sender.MinRtt > TimeSpan.Zero && sender.MinRtt <= sender.SmoothedRtt + sender.RttVariance * 4);
            Assert.True(sender.CongestionWindow > 12_000 * 4, $"cwnd {sender.CongestionWindow}");
            Assert.True(sender.PathMaxDatagramSize >= 1200);
            Assert.InRange(sender.UdpSendCalls, 1, sender.UdpDatagramsSent);
            Assert.Equal(QuicTestHarness.Target(listener), sender.RemoteEndPoint);
            Assert.Equal(client.LocalEndPoint.Port, receiver.RemoteEndPoint!.Port);
        }
    }

    [Fact]
    public async Task Capabilities_DescribeTheManagedEngineHonestly()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicCapabilities capabilities = client.Capabilities;
            Assert.True(capabilities.Datagrams);
            Assert.True(capabilities.PathStatistics);
            Assert.True(capabilities.PeerMigration);
            Assert.False(capabilities.Migration);
            Assert.False(capabilities.Multipath);
            Assert.True(QuicConnection.IsSupported && QuicListener.IsSupported);
        }
    }

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
