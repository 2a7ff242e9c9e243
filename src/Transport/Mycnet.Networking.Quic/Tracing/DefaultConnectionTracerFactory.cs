using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// The tracers every connection gets unless a test injects others: qlog when a qlog directory is
/// set (options or QLOGDIR), System.Diagnostics.Metrics instruments, and failure logging through the
/// options' logger factory.
/// </summary>
internal sealed class DefaultConnectionTracerFactory : IConnectionTracerFactory
{
    public static readonly DefaultConnectionTracerFactory Instance = new();

    private DefaultConnectionTracerFactory()
    {
    }

    public IConnectionTracer? Create(in ConnectionTracerContext context) =>
        DiagnosticsRegistry.For(context.Options).CreateTracer(context.IsServer, context.OriginalDestinationConnectionId);
}
