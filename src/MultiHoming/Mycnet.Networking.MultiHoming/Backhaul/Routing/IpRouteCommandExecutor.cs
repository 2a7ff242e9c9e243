using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Runs commands with iproute2: one process per command, arguments passed as an array (never through a
/// shell), started in the manager's network context, killed when the timeout elapses.
/// </summary>
internal sealed class IpRouteCommandExecutor : IRouteCommandExecutor
{
    private readonly string _executable;
    private readonly TimeSpan _timeout;
    private readonly IBackhaulNetworkContext _context;
    private readonly TimeProvider _timeProvider;

    public IpRouteCommandExecutor(string executable, TimeSpan timeout, IBackhaulNetworkContext context, TimeProvider timeProvider)
    {
        _executable = executable;
        _timeout = timeout;
        _context = context;
        _timeProvider = timeProvider;
    }

    public async ValueTask ExecuteAsync(BackhaulRouteCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var startInfo = new ProcessStartInfo(_executable)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            CreateNoWindow = true,
        };
        foreach (string argument in command.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = _context.Invoke(() => Process.Start(startInfo))
                ?? throw new BackhaulException(BackhaulErrorKind.Routing, $"'{command}' did not start.");
        }
        catch (Win32Exception ex)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"'{_executable}' could not be started: {ex.Message}", ex);
        }

        using (process)
        {
            Task<string> standardOutput = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> standardError = process.StandardError.ReadToEndAsync(CancellationToken.None);
            using var timeout = new CancellationTokenSource(_timeout, _timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
            try
            {
                await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex)
            {
                Kill(process);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new BackhaulException(
                    BackhaulErrorKind.Routing,
                    string.Create(CultureInfo.InvariantCulture, $"'{command}' timed out after {_timeout.TotalMilliseconds:0} ms and was killed."),
                    ex);
            }

            string error = await standardError.ConfigureAwait(false);
            await standardOutput.ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new BackhaulException(
                    BackhaulErrorKind.Routing,
                    string.Create(CultureInfo.InvariantCulture, $"'{command}' failed with exit code {process.ExitCode}: {error.Trim()}"));
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own between the timeout and the kill.
        }
        catch (Win32Exception)
        {
            // Same race, reported by the OS.
        }
    }
}
