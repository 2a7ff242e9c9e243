using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Quic.Tests;

public sealed class PingAndSocketFactoryTests
{
    [Fact]
    public async Task Ping_IsAcknowledgedByThePeer_WithARoundTripTime()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            TimeSpan first = await client.PingAsync().Guard();
            TimeSpan second = await server.PingAsync().Guard();
            Assert.True(first > TimeSpan.Zero && first < QuicTestHarness.Timeout);
            Assert.True(second > TimeSpan.Zero && second < QuicTestHarness.Timeout);

            // Several concurrent pings are answered together.
            Task<TimeSpan>[] many = [.. Enumerable.Range(0, 5).Select(_ => client.PingAsync().AsTask())];
            TimeSpan[] rtts = await Task.WhenAll(many).WaitAsync(QuicTestHarness.Timeout);
            Assert.All(rtts, rtt => Assert.True(rtt > TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task Ping_OnAClosedConnection_FailsWithTheCloseReason()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (server)
        {
            await client.CloseAsync(9).Guard();
            await Assert.ThrowsAsync<QuicException>(async () => await client.PingAsync().Guard());
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Ping_Cancelled_ThrowsOperationCanceled()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await client.PingAsync(cancelled.Token));
        }
    }

    [Fact]
    public async Task SocketFactory_SuppliesTheConnectionsSocket()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        int created = 0;
        Socket? supplied = null;
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        await using QuicConnection client = await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener), o =>
        {
            o.SocketFactory = family =>
            {
                created++;
                supplied = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
                supplied.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                return supplied;
            };
        })).Guard();
        await using QuicConnection server = await accept.Guard();
        Assert.Equal(1, created);
        Assert.Equal(((IPEndPoint)supplied!.LocalEndPoint!).Port, client.LocalEndPoint.Port);
        await QuicConnectionTests.AssertEchoAsync(client, server);
    }

    [Fact]
    public async Task SocketFactory_ReturningTheWrongKindOfSocket_IsRefused()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        QuicException error = await Assert.ThrowsAsync<QuicException>(async () => await QuicConnection.ConnectAsync(QuicTestHarness.ClientOptions(
            QuicTestHarness.Target(listener),
            o => o.SocketFactory = family => new Socket(family, SocketType.Stream, ProtocolType.Tcp))).Guard());
        Assert.Equal(QuicError.InvalidAddress, error.QuicError);
    }
}
