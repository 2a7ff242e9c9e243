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
