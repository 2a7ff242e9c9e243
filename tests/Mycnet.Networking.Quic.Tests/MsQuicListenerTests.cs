using Mycnet.Networking.Quic.Tests.Engines;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>The listener tests over the msquic engine (System.Net.Quic); skipped without libmsquic.</summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class MsQuicListenerTests : QuicListenerTests
{
    protected override QuicEngine Engine => QuicEngine.MsQuic;

    /// <summary>System.Net.Quic disposes them: an application close with the server's default close error code (0x52 in the harness).</summary>
    protected override (QuicError Error, long? ApplicationErrorCode) UnacceptedClientIsTold => (QuicError.ConnectionAborted, 0x52);

    /// <summary>msquic stops answering a stopped listener's address: the client's handshake times out.</summary>
    protected override QuicError LateClientFailsWith => QuicError.ConnectionTimeout;
}
