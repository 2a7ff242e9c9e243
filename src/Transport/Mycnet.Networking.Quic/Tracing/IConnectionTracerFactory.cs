using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// Creates the protocol tracer of each connection (qlog, metrics, logging): the seam between the
/// driver and the diagnostics. The driver composes what this returns with its own key-log tracer.
/// </summary>
/// <remarks>
/// Called once per connection: for an accepted connection on the listener's receive loop while it
/// holds the endpoint (keep it quick: open a file, no network); for an outgoing connection right
/// after it is created, before its first packet. The tracer is then called only by the
/// connection's worker, one call at a time, and must not call back into the connection.
/// </remarks>
internal interface IConnectionTracerFactory
{
    /// <summary>The tracer of one connection, or null for none.</summary>
    IConnectionTracer? Create(in ConnectionTracerContext context);
}

/// <summary>What a tracer factory knows about the connection it traces.</summary>
/// <param name="IsServer">Whether the connection was accepted by a listener.</param>
/// <param name="OriginalDestinationConnectionId">The Destination Connection ID of the client's first Initial: qlog's group id.</param>
/// <param name="Options">The connection's options (qlog directory, logger and meter factories).</param>
internal readonly record struct ConnectionTracerContext(bool IsServer, ConnectionId OriginalDestinationConnectionId, QuicConnectionOptions Options);
