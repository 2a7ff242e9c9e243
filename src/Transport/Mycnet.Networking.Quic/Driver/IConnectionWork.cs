using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>A unit of application work queued to a connection's worker (open a stream, service a stream, close, send a datagram).</summary>
internal interface IConnectionWork
{
    /// <summary>Runs on the connection's worker, which owns the core connection for the call.</summary>
    void Execute(ConnectionDriver driver, Instant now);

    /// <summary>Fails the work: it threw, or the connection is gone.</summary>
    void Fail(Exception exception);
}
