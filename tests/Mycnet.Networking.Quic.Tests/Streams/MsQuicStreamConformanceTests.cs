using Mycnet.Networking.Quic.Tests.Engines;

namespace Mycnet.Networking.Quic.Tests.Streams;

/// <summary>The stream conformance tests over the msquic engine (System.Net.Quic) on real loopback sockets; skipped without libmsquic.</summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class MsQuicStreamConformanceTests : QuicStreamConformanceTests
{
    protected override Task<QuicConnectionPair> CreateConnectionPairAsync() => QuicConnectionPair.CreateAsync(QuicEngine.MsQuic, QuicEngine.MsQuic);
}
