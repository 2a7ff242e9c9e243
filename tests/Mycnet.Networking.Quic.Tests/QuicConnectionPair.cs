namespace Mycnet.Networking.Quic.Tests;

/// <summary>A client connection and the server connection that accepted it, disposed together.</summary>
public sealed class QuicConnectionPair : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owner;

    public QuicConnectionPair(QuicConnection client, QuicConnection server, IAsyncDisposable? owner)
    {
        Client = client;
        Server = server;
        _owner = owner;
    }

    public QuicConnection Client { get; }

    public QuicConnection Server { get; }

    /// <summary>A client of <paramref name="clientEngine"/> connected to a listener of <paramref name="serverEngine"/> on loopback; the pair owns the listener.</summary>
    public static async Task<QuicConnectionPair> CreateAsync(QuicEngine clientEngine, QuicEngine serverEngine)
    {
        QuicListener listener = await QuicTestHarness.ListenAsync(engine: serverEngine);
        try
        {
            (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, engine: clientEngine);
            var pair = new QuicConnectionPair(client, server, listener);

            // No silent fallback: each end runs on the engine asked for.
            Assert.Equal(clientEngine, client.Capabilities.Engine);
            Assert.Equal(serverEngine, server.Capabilities.Engine);
            return pair;
        }
        catch
        {
            await listener.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        if (_owner is not null)
        {
            await _owner.DisposeAsync();
        }
    }
}
