namespace Mycnet.Networking.Quic.Tests.Streams;

/// <summary>The stream conformance tests over the managed engine on real loopback sockets.</summary>
public sealed class ManagedQuicStreamConformanceTests : QuicStreamConformanceTests
{
    protected override Task<QuicConnectionPair> CreateConnectionPairAsync() => QuicConnectionPair.CreateAsync(QuicEngine.Managed, QuicEngine.Managed);
}
