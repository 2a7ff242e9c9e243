using Mycnet.Networking.Quic.Tests.Engines;
using Mycnet.Networking.Quic.Tests.Streams;

namespace Mycnet.Networking.Quic.Tests.CrossEngine;

/// <summary>The stream conformance tests with a managed client and an msquic server; skipped without libmsquic.</summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class CrossEngineManagedClientMsQuicServerStreamConformanceTests : QuicStreamConformanceTests
{
    protected override Task<QuicConnectionPair> CreateConnectionPairAsync() => QuicConnectionPair.CreateAsync(QuicEngine.Managed, QuicEngine.MsQuic);
}

/// <summary>The stream conformance tests with an msquic client and a managed server; skipped without libmsquic.</summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class CrossEngineMsQuicClientManagedServerStreamConformanceTests : QuicStreamConformanceTests
{
    protected override Task<QuicConnectionPair> CreateConnectionPairAsync() => QuicConnectionPair.CreateAsync(QuicEngine.MsQuic, QuicEngine.Managed);
}
