using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>What a <see cref="QuicDiagnostics"/> produces for each connection.</summary>
internal sealed class QuicDiagnosticsOptions
{
    /// <summary>qlog output, or null for none. <see cref="QlogOptions.FromEnvironment"/> reads <c>QLOGDIR</c>.</summary>
    public QlogOptions? Qlog { get; init; }

    /// <summary>Whether connections feed the <see cref="QuicMetrics"/> instruments. Default true.</summary>
    public bool EnableMetrics { get; init; } = true;

    /// <summary>Creates the meter (dependency injection); null for the process-wide <see cref="QuicMetrics.Shared"/>.</summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>Wall clock for qlog reference times and the writer's flush timer. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the diagnostics report their own trouble (qlog write failures, dropped events); category <see cref="QuicLog.Category"/>.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>
    /// One more tracer per connection, given the role (the driver's SSLKEYLOGFILE writer); null for none.
    /// It is called after the qlog and metrics tracers.
    /// </summary>
    public Func<bool, IConnectionTracer?>? AdditionalTracerFactory { get; init; }
}

/// <summary>
/// The per-listener or per-client diagnostics: makes one tracer per connection that fans out to
/// qlog, metrics and any additional tracer (key log), and owns the background qlog writer.
/// </summary>
/// <remarks>
/// <para>Use: create one per <c>Endpoint</c> (or share one per process), pass
/// <see cref="CreateTracer(bool, ConnectionId)"/> as <c>EndpointConfig.TracerFactory</c> for accepted
/// connections and <c>CreateTracer(isServer: false)</c> to <c>Endpoint.Connect</c> for outgoing ones.
/// The core reports the original DCID, addresses and start time through
/// <see cref="IConnectionTracer.OnConnectionStarted"/>, so nothing else is needed at creation.</para>
/// <para>A tracer completes its qlog file when its connection terminates. When the driver drops a
/// connection without it terminating, it disposes the tracer (<see cref="IDisposable"/>).
/// <see cref="DisposeAsync"/> completes every open trace and writes out what is buffered.</para>
/// <para>Thread-safety: <see cref="CreateTracer(bool)"/> may be called from any thread; each tracer
/// is then used by its connection's single worker, like the connection itself.</para>
/// </remarks>
internal sealed class QuicDiagnostics : IAsyncDisposable
{
    private readonly QuicDiagnosticsOptions _options;
    private readonly QlogWriter? _qlog;
    private readonly QuicMetrics? _metrics;
    private readonly bool _ownsMetrics;

    public QuicDiagnostics(QuicDiagnosticsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.Qlog is { } qlog)
        {
            _qlog = new QlogWriter(qlog, options.TimeProvider, options.Logger);
        }

        if (options.EnableMetrics)
        {
            _ownsMetrics = options.MeterFactory is not null;
            _metrics = options.MeterFactory is null ? QuicMetrics.Shared : new QuicMetrics(options.MeterFactory);
        }
    }

    /// <summary>The qlog writer, or null when qlog is off.</summary>
    public QlogWriter? Qlog => _qlog;

    /// <summary>The instruments connections feed, or null when metrics are off.</summary>
    public QuicMetrics? Metrics => _metrics;

    /// <summary>Whether any tracer would record anything.</summary>
    public bool IsEnabled => _qlog is not null || _metrics is not null || _options.AdditionalTracerFactory is not null;

    /// <summary>
    /// A tracer for a new connection (never null; <see cref="NullConnectionTracer.Instance"/> when
    /// everything is off). Pass it to the connection at creation.
    /// </summary>
    public IConnectionTracer CreateTracer(bool isServer) => CreateTracer(isServer, default);

    /// <summary>
    /// As <see cref="CreateTracer(bool)"/>, with the original DCID if already known; this is the
    /// shape of <c>EndpointConfig.TracerFactory</c>.
    /// </summary>
    public IConnectionTracer CreateTracer(bool isServer, ConnectionId originalDestinationConnectionId)
    {
        QlogTracer? qlog = _qlog is null
            ? null
            : new QlogTracer(_qlog.CreateSink(), isServer, originalDestinationConnectionId, _options.TimeProvider, _qlog.Options.VantagePointName, _options.Logger);
        MetricsConnectionTracer? metrics = _metrics?.CreateTracer(isServer);
        IConnectionTracer? additional = _options.AdditionalTracerFactory?.Invoke(isServer);
        return CompositeConnectionTracer.Create(qlog, metrics, additional);
    }

    /// <summary>Writes every qlog event buffered so far (partly filled chunks included).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) =>
        _qlog?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_qlog is not null)
        {
            await _qlog.DisposeAsync().ConfigureAwait(false);
        }

        if (_ownsMetrics)
        {
            _metrics?.Dispose();
        }
    }
}
