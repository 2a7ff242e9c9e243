using System.Net;
using Mycnet.Networking.Quic.Tests.Engines;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>
/// The listener: many connections per socket, accept cancellation, graceful disposal, on the
/// engine a derived class names. Where the engines differ by design (what a client is told once
/// the listener is gone) the derived class states its engine's behaviour.
/// </summary>
public abstract class QuicListenerTests : QuicEngineTests
{
    /// <summary>How a client that completed its handshake but was never accepted learns that the listener was disposed.</summary>
    protected abstract (QuicError Error, long? ApplicationErrorCode) UnacceptedClientIsTold { get; }

    /// <summary>How a client arriving after the listener was disposed fails (within a 2 s handshake timeout).</summary>
    protected abstract QuicError LateClientFailsWith { get; }

    [EngineFact]
    public async Task ManyConnections_OnOneListener_AllWorkAtOnce()
    {
        await using QuicListener listener = await ListenAsync();
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
                await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener)));
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

    [EngineFact]
    public async Task AcceptConnection_CanBeCancelled()
    {
        await using QuicListener listener = await ListenAsync();
        using var cancellation = new CancellationTokenSource();
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync(cancellation.Token);
        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept.Guard());

        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [EngineFact]
    public async Task Dispose_WhileAccepting_FailsThePendingAccept()
    {
        QuicListener listener = await ListenAsync();
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await listener.DisposeAsync();

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => accept.Guard());
        Assert.Equal(QuicError.OperationAborted, e.QuicError);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => listener.AcceptConnectionAsync().AsTask());
    }

    [EngineFact]
    public async Task Dispose_WithActiveConnections_StopsAccepting_AndKeepsThemWorking()
    {
        QuicListener listener = await ListenAsync();
        IPEndPoint target = QuicTestHarness.Target(listener);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);

        await listener.DisposeAsync();

        // A new client fails (how depends on the engine), the existing connection goes on.
        QuicException late = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(ClientOptions(target, o => o.HandshakeTimeout = TimeSpan.FromSeconds(2))).Guard());
        Assert.Equal(LateClientFailsWith, late.QuicError);
        await QuicConnectionTests.AssertEchoAsync(client, server);
        await client.DisposeAsync();
        await server.DisposeAsync();
    }

    [EngineFact]
    public async Task Dispose_RefusesConnectionsThatWereNeverAccepted()
    {
        QuicListener listener = await ListenAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard();
        ValueTask<QuicStream> waiting = client.AcceptInboundStreamAsync();

        await listener.DisposeAsync();
        QuicException e = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
        Assert.Equal(UnacceptedClientIsTold, (e.QuicError, e.ApplicationErrorCode));
    }

    [EngineFact]
    public async Task FailedHandshake_IsSkipped_AndTheNextClientIsAccepted()
    {
        // Only connections that completed their handshake are handed out (System.Net.Quic reports
        // failed ones from its accept call; the msquic adapter skips them as the managed engine does).
        await using QuicListener listener = await ListenAsync(configureServer: QuicTestHarness.RequireClientCertificate);
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await Assert.ThrowsAsync<QuicException>(async () =>
        {
            await using QuicConnection rejected = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard();
            await rejected.AcceptInboundStreamAsync().Guard();
        });
        Assert.False(accept.IsCompleted);

        await using QuicConnection client = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener), QuicTestHarness.PresentClientCertificate)).Guard();
        await using QuicConnection server = await accept.Guard();
        Assert.Equal(TestCertificates.Client.Thumbprint, server.RemoteCertificate!.Thumbprint);
    }

    [EngineFact]
    public async Task Backlog_WhenFull_RefusesNewClients()
    {
        await using QuicListener listener = await ListenAsync(configureListener: o => o.ListenBacklog = 1);
        await using QuicConnection first = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard();

        QuicException e = await Assert.ThrowsAsync<QuicException>(() => QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard());
        Assert.Equal(QuicError.ConnectionRefused, e.QuicError);

        await using QuicConnection accepted = await listener.AcceptConnectionAsync().Guard();
        await using QuicConnection third = await QuicConnection.ConnectAsync(ClientOptions(QuicTestHarness.Target(listener))).Guard();
    }

    [EngineFact]
    public async Task Listen_OnAPortInUse_Fails()
    {
        await using QuicListener first = await ListenAsync();
        QuicException e = await Assert.ThrowsAsync<QuicException>(async () =>
        {
            await using QuicListener second = await ListenAsync(configureListener: o => o.ListenEndPoint = first.LocalEndPoint);
        });
        Assert.Equal(QuicError.AddressInUse, e.QuicError);
    }

    [EngineFact]
    public async Task UnknownConnectionId_IsAnsweredWithAStatelessReset()
    {
        await using QuicListener listener = await ListenAsync();
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
