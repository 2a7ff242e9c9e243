using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>Timeouts run on the options' TimeProvider: with a fake one a test moves time instead of waiting.</summary>
public sealed class IdleTimeoutTests
{
    [Fact]
    public async Task IdleTimeout_OnTheClientsClock_ClosesWithConnectionIdle()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, o =>
        {
            o.TimeProvider = time;
            o.IdleTimeout = TimeSpan.FromSeconds(5);
        });
        await using (client)
        await using (server)
        {
            // The idle timer runs once the client's handshake is confirmed (before that the handshake
            // timeout governs): an acknowledged PING confirms it (RFC 9001 §4.1.2) before time moves.
            await client.PingAsync().Guard();
            ValueTask<QuicStream> waiting = client.AcceptInboundStreamAsync();
            Assert.False(waiting.IsCompleted);

            time.Advance(TimeSpan.FromSeconds(6));

            QuicException e = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
            Assert.Equal(QuicError.ConnectionIdle, e.QuicError);
            await client.Driver.Terminated.Guard();
        }
    }
}
