using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// The server in a child process: this tool started again as <c>serve --until-stdin-closes</c>.
/// The child prints one ready line (<see cref="ServeReadyLine"/>) on stdout and serves until its
/// stdin closes; everything else it prints goes to this process's stderr, prefixed, so the
/// client's result stays the last stdout line.
/// </summary>
internal sealed class ChildProcessServerHost : PerfServerHost
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    private readonly Process _process;
    private readonly Task _pump;

    private ChildProcessServerHost(QuicPerfSettings settings, IPEndPoint endPoint, X509Certificate2 root, Process process, Task pump)
        : base(settings, endPoint, root)
    {
        _process = process;
        _pump = pump;
    }

    public override bool SharesProcess => false;

    public int ProcessId => _process.Id;

    public static async Task<ChildProcessServerHost> LaunchAsync(QuicPerfSettings settings, int maxInboundBidirectionalStreams, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown; cannot start the server process."),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Started as "dotnet Mycnet.Networking.Perf.dll": the child needs the assembly too.
        if (string.Equals(Path.GetFileNameWithoutExtension(start.FileName), "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("The entry assembly is unknown."));
        }

        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add("127.0.0.1:0");
        start.ArgumentList.Add("--offload");
        start.ArgumentList.Add(settings.OffloadName);
        start.ArgumentList.Add("--engine");
        start.ArgumentList.Add(settings.EngineName);
        start.ArgumentList.Add("--max-bidi-streams");
        start.ArgumentList.Add(maxInboundBidirectionalStreams.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--until-stdin-closes");
        if (settings.QlogDirectory is not null)
        {
            start.ArgumentList.Add("--qlog");
            start.ArgumentList.Add(settings.QlogDirectory);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        try
        {
            Task errors = PumpAsync(process.StandardError, process.Id);
            ServeReadyLine ready = await ReadReadyLineAsync(process, cancellationToken).ConfigureAwait(false);
            Task pump = Task.WhenAll(errors, PumpAsync(process.StandardOutput, process.Id));
#pragma warning disable CA2000 // the host owns the certificate
            X509Certificate2 root = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(ready.Root));
#pragma warning restore CA2000
            return new ChildProcessServerHost(settings, IPEndPoint.Parse(ready.EndPoint), root, process, pump);
        }
        catch
        {
            Stop(process);
            process.Dispose();
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        // Closing stdin asks the child to stop; it disposes its listener and exits.
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"[server {_process.Id}] did not exit within {ExitTimeout.TotalSeconds:0} s of its stdin closing; killing it");
            Stop(_process);
        }

        await _pump.ConfigureAwait(false);
        _process.Dispose();
        Root.Dispose();
    }

    private static async Task<ServeReadyLine> ReadReadyLineAsync(Process process, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The server process exited before it was ready (exit code {(process.WaitForExit(5000) ? process.ExitCode : -1)}).");
            if (line.StartsWith(ServeReadyLine.Prefix, StringComparison.Ordinal))
            {
                return JsonSerializer.Deserialize<ServeReadyLine>(line.AsSpan(ServeReadyLine.Prefix.Length))
                    ?? throw new InvalidOperationException("The server's ready line is empty.");
            }

            await Console.Error.WriteLineAsync($"[server {process.Id}] {line}").ConfigureAwait(false);
        }
    }

    private static async Task PumpAsync(StreamReader reader, int processId)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await Console.Error.WriteLineAsync($"[server {processId}] {line}").ConfigureAwait(false);
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: false);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
