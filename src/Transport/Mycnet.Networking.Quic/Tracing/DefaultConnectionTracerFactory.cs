using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// The tracer factory used when the options name none. It traces nothing: qlog, metrics and
/// logging tracers plug in here when the diagnostics are wired to the driver.
/// </summary>
internal sealed class DefaultConnectionTracerFactory : IConnectionTracerFactory
{
    public static readonly DefaultConnectionTracerFactory Instance = new();

    private DefaultConnectionTracerFactory()
    {
    }

    public IConnectionTracer? Create(in ConnectionTracerContext context) => null;
}
