namespace Mycnet.Networking.Quic.Tests;

/// <summary>The listener tests over the managed engine, and what only the managed listener does.</summary>
public sealed class ManagedQuicListenerTests : QuicListenerTests
{
    protected override QuicEngine Engine => QuicEngine.Managed;

    /// <summary>Refused: the managed listener closes them with CONNECTION_REFUSED.</summary>
    protected override (QuicError Error, long? ApplicationErrorCode) UnacceptedClientIsTold => (QuicError.ConnectionRefused, null);

    /// <summary>Refused at once: the socket stays open while connections last and answers with CONNECTION_REFUSED.</summary>
    protected override QuicError LateClientFailsWith => QuicError.ConnectionRefused;

    [Fact]
    public async Task Dispose_ClosesTheSocket_OnceItsLastConnectionFinished()
    {
        QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);

        await listener.DisposeAsync();
        await QuicConnectionTests.AssertEchoAsync(client, server);
        Assert.False(listener.Endpoint.Closed.IsCompleted);

        await client.DisposeAsync();
        await server.DisposeAsync();
        await listener.Endpoint.Closed.Guard();
        Assert.True(listener.Endpoint.Socket.IsDisposed);
    }

    [Fact]
    public async Task Dispose_WithoutConnections_ClosesTheSocket()
    {
        QuicListener listener = await ListenAsync();
        await listener.DisposeAsync();
        await listener.Endpoint.Closed.Guard();
        Assert.True(listener.Endpoint.Socket.IsDisposed);
    }

    [Fact]
    public async Task RequireRetry_ValidatesTheClientAddress_AndConnects()
    {
        await using QuicListener listener = await ListenAsync(configureListener: o => o.RequireRetry = true);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            await QuicConnectionTests.AssertEchoAsync(client, server);
        }
    }
}
