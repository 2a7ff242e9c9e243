namespace Mycnet.Networking.Quic.Tests.Streams;

/// <summary>The stream conformance tests over the managed engine on real loopback sockets.</summary>
public sealed class ManagedQuicStreamConformanceTests : QuicStreamConformanceTests
{
    protected override async Task<QuicConnectionPair> CreateConnectionPairAsync()
    {
        QuicListener listener = await QuicTestHarness.ListenAsync();
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener);
        return new QuicConnectionPair(client, server, listener);
    }
}
