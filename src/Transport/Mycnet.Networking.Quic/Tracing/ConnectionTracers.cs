using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>Composes the tracers of one connection: the diagnostics factory's and the key log.</summary>
internal static class ConnectionTracers
{
    public static IConnectionTracer? Create(bool isServer, ConnectionId originalDestinationConnectionId, QuicConnectionOptions options)
    {
        IConnectionTracerFactory factory = options.TracerFactory ?? DefaultConnectionTracerFactory.Instance;
        IConnectionTracer? diagnostics = factory.Create(new ConnectionTracerContext(isServer, originalDestinationConnectionId, options));
        return Diagnostics.CompositeConnectionTracer.Create(diagnostics, KeyLogTracer.For(options.KeyLogFilePath));
    }
}
