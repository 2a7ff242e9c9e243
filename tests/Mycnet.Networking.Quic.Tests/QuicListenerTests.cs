using System.Net;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>The listener: many connections per socket, accept cancellation, graceful disposal.</summary>
public sealed class QuicListenerTests
{
    [Fact]
    public async Task ManyConnections_OnOneListener_AllWorkAtOnce()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        const int Count = 20;
        Task serving = Task.Run(async () =>
        {
            var handlers = new List<Task>();
            for (int i = 0; i < Count; i++)
            {
                QuicConnection connection = await listener.AcceptConnectionAsync();
                handlers.Add(EchoOneStreamAsync(connection));
            }

            await Task.WhenAll(handlers);
        });

        var clients = new Task[Count];
        for (int i = 0; i < Count; i++)
        {
            int id = i;
            clients[i] = Task.Run(async () =>
            {
                await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener)));
                await using QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional);
                byte[] message = System.Text.Encoding.ASCII.GetBytes($"client {id}");
                await stream.WriteAsync(message, completeWrites: true);
                byte[] reply = await ReadAllAsync(stream);
                Assert.Equal(message, reply);
            });
        }

        await Task.WhenAll(clients).Guard();
        await serving.Guard();
    }

    [Fact]
    public async Task AcceptConnection_CanBeCancelled()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        using var cancellation = new CancellationTokenSource();
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync(cancellation.Token);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.Guard());

        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_WhileAccepting_FailsThePendingAccept()
    {
        QuicListener listener = await QuicTestHarness.ListenAsync();
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await listener.DisposeAsync();

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => accept.Guard());
        Assert.Equal(QuicError.OperationAborted, e.QuicError);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.AcceptConnectionAsync().AsTask());
        await listener.Endpoint.Closed.Guard();
    }

    [Fact]
    public async Task Dispose_WithActiveConnections_StopsAccepting_KeepsThemWorking_ThenClosesTheSocket()
    {
        QuicListener listener = await QuicTestHarness.ListenAsync();
        IPEndPoint target = QuicTestHarness.Target(listener);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);

        await listener.DisposeAsync();

        // A new client is refused, the existing connection goes on.
        QuicException refused = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(target)).Guard());
        Assert.Equal(QuicError.ConnectionRefused, refused.QuicError);
        await QuicConnectionTests.AssertEchoAsync(client, server);
        Assert.False(listener.Endpoint.Closed.IsCompleted);

        // Once its last connection has finished, the listener's socket closes.
        await client.DisposeAsync();
        await server.DisposeAsync();
        await listener.Endpoint.Closed.Guard();
        Assert.True(listener.Endpoint.Socket.IsDisposed);
    }

    [Fact]
    public async Task Dispose_RefusesConnectionsThatWereNeverAccepted()
    {
        QuicListener listener = await QuicTestHarness.ListenAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener))).Guard();
        ValueTask<QuicStream> waiting = client.AcceptInboundStreamAsync();

        await listener.DisposeAsync();
        QuicException e = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
        Assert.Equal(QuicError.ConnectionRefused, e.QuicError);
    }

    [Fact]
    public async Task Backlog_WhenFull_RefusesNewClients()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureListener: o => o.ListenBacklog = 1);
        await using QuicConnection first = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener))).Guard();

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener))).Guard());
        Assert.Equal(QuicError.ConnectionRefused, e.QuicError);

        await using QuicConnection accepted = await listener.AcceptConnectionAsync().Guard();
        await using QuicConnection third = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener))).Guard();
    }

    [Fact]
    public async Task RequireRetry_ValidatesTheClientAddress_AndConnects()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureListener: o => o.RequireRetry = true);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            await QuicConnectionTests.AssertEchoAsync(client, server);
        }
    }

    [Fact]
    public async Task Listen_OnAPortInUse_Fails()
    {
        await using QuicListener first = await QuicTestHarness.ListenAsync();
        QuicException e = await Assert.ThrowsAsync<QuicException>(async () =>
        {
            await using QuicListener second = await QuicTestHarness.ListenAsync(configureListener: o => o.ListenEndPoint = first.LocalEndPoint);
        });
        Assert.Equal(QuicError.AddressInUse, e.QuicError);
    }

    [Fact]
    public async Task UnknownConnectionId_IsAnsweredWithAStatelessReset()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        // A short-header packet (RFC 9000 §17.3) for an 8-byte connection ID nobody owns.
        var packet = new byte[100];
        packet[0] = 0x40;
        Random.Shared.NextBytes(packet.AsSpan(1));
        packet[0] = 0x41;
        await probe.SendToAsync(packet, listener.LocalEndPoint).Guard();
        var answer = new byte[200];
        System.Net.Sockets.SocketReceiveFromResult result = await probe.ReceiveFromAsync(answer, new IPEndPoint(IPAddress.Any, 0)).Guard();

        // RFC 9000 §10.3: shorter than the trigger, short-header form, ends in a 16-byte token.
        Assert.InRange(result.ReceivedBytes, 21, packet.Length - 1);
        Assert.Equal(0x40, answer[0] & 0xC0);
    }

    private static async Task EchoOneStreamAsync(QuicConnection connection)
    {
        await using (connection)
        {
            await using QuicStream stream = await connection.AcceptInboundStreamAsync();
            byte[] message = await ReadAllAsync(stream);
            await stream.WriteAsync(message, completeWrites: true);

            // Stay until the client has its reply and closes.
            QuicException closed = await Assert.ThrowsAsync<QuicException>(() => connection.AcceptInboundStreamAsync().AsTask());
            Assert.Equal(QuicError.ConnectionAborted, closed.QuicError);
        }
    }

    private static async Task<byte[]> ReadAllAsync(QuicStream stream)
    {
        using var collected = new MemoryStream();
        var buffer = new byte[256];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            collected.Write(buffer, 0, n);
        }

        return collected.ToArray();
    }
}
