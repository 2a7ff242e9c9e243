using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Diagnostics;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// One <see cref="QuicDiagnostics"/> per distinct (qlog directory, meter factory, logger factory),
/// shared by every listener and connection that asks for the same: each instance owns a qlog writer
/// task and a meter, which should not be created per connection. Instances live for the process;
/// pending qlog events are flushed when the process exits.
/// </summary>
internal static class DiagnosticsRegistry
{
    private static readonly ConcurrentDictionary<(string QlogDirectory, IMeterFactory? Meters, ILoggerFactory? Loggers), QuicDiagnostics> Instances = new();
    private static int s_exitHookInstalled;

    /// <summary>The diagnostics for <paramref name="options"/>.</summary>
    public static QuicDiagnostics For(QuicConnectionOptions options)
    {
        string directory = string.IsNullOrWhiteSpace(options.QlogDirectory) ? string.Empty : Path.GetFullPath(options.QlogDirectory);
        return Instances.GetOrAdd((directory, options.MeterFactory, options.LoggerFactory), static key =>
        {
            InstallExitHook();
            return new QuicDiagnostics(new QuicDiagnosticsOptions
            {
                Qlog = key.QlogDirectory.Length == 0 ? null : new QlogOptions { Directory = key.QlogDirectory },
                MeterFactory = key.Meters,
                Logger = key.Loggers?.CreateLogger("Mycnet.Networking.Quic"),
            });
        });
    }

    /// <summary>The logger for <paramref name="options"/>, or null when none was configured.</summary>
    public static ILogger? Logger(QuicConnectionOptions options) => options.LoggerFactory?.CreateLogger("Mycnet.Networking.Quic");

    /// <summary>Writes out every qlog event buffered so far, in every instance.</summary>
    public static async Task FlushAllAsync(CancellationToken cancellationToken)
    {
        foreach (QuicDiagnostics diagnostics in Instances.Values)
        {
            await diagnostics.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void InstallExitHook()
    {
        if (Interlocked.Exchange(ref s_exitHookInstalled, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += static (_, _) =>
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    FlushAllAsync(timeout.Token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    // The process is leaving; what could not be written in time is lost.
                }
            };
        }
    }
}
