namespace Mycnet.Networking.Quic.Tests;

public sealed class SmokeTests
{
    [Fact]
    public async Task Echo_over_loopback()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
            await stream.WriteAsync("hello"u8.ToArray(), completeWrites: true).Guard();
            QuicStream accepted = await server.AcceptInboundStreamAsync().Guard();
            var buffer = new byte[100];
            int n = await accepted.ReadAsync(buffer).Guard();
            Assert.Equal("hello", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }
    }
}
