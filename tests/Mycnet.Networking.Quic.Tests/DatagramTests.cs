namespace Mycnet.Networking.Quic.Tests;

/// <summary>Unreliable datagrams (RFC 9221) through the public API.</summary>
public sealed class DatagramTests
{
    [Fact]
    public async Task Datagrams_AreSentAndReceived_BothWays()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            // At least what a 1200-byte packet carries; path MTU discovery may raise it at any
            // moment (up to the 1452-byte default ceiling), so the size is read once.
            int clientMax = client.MaxDatagramSize;
            Assert.True(clientMax is > 1000 and < 1452, $"MaxDatagramSize {clientMax}");
            await client.SendDatagramAsync("to server"u8.ToArray()).Guard();
            ReadOnlyMemory<byte> received = await server.ReceiveDatagramAsync().Guard();
            Assert.Equal("to server"u8.ToArray(), received.ToArray());

            int serverMax = server.MaxDatagramSize;
            await server.SendDatagramAsync(new byte[serverMax]).Guard();
            Assert.Equal(serverMax, (await client.ReceiveDatagramAsync().Guard()).Length);
        }
    }

    [Fact]
    public async Task Datagram_LargerThanMaxDatagramSize_IsRejected()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            ArgumentOutOfRangeException e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.SendDatagramAsync(new byte[client.MaxDatagramSize + 1]).AsTask());
            Assert.Equal("datagram", e.ParamName);
        }
    }

    [Fact]
    public async Task Datagram_ToAPeerThatAcceptsNone_FailsClearly()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.DatagramReceiveEnabled = false);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(0, client.MaxDatagramSize);
            InvalidOperationException e = await Assert.ThrowsAsync<InvalidOperationException>(() => client.SendDatagramAsync(new byte[10]).AsTask());
            Assert.Contains("max_datagram_frame_size", e.Message, StringComparison.Ordinal);
            Assert.Throws<InvalidOperationException>(() => { _ = server.ReceiveDatagramAsync(); });
        }
    }

    [Fact]
    public async Task ReceiveDatagram_CanBeCancelled_AndFailsWhenTheConnectionCloses()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            using var cancellation = new CancellationTokenSource();
            ValueTask<ReadOnlyMemory<byte>> receive = server.ReceiveDatagramAsync(cancellation.Token);
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.Guard());

            ValueTask<ReadOnlyMemory<byte>> pending = server.ReceiveDatagramAsync();
            await client.CloseAsync(7).Guard();
            QuicException e = await Assert.ThrowsAsync<QuicException>(() => pending.Guard());
            Assert.Equal(7, e.ApplicationErrorCode);
        }
    }
}
