using System.CommandLine;
using System.Net;
using System.Text.Json;
using Mycnet.Networking.Perf.Quic;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// serve: the server end of the QUIC scenarios on its own. <c>--server-process</c> starts it as a
/// child; started by hand (perhaps in another network namespace or on another machine) a client
/// reaches it with <c>--connect IP:PORT --root FILE</c>.
/// </summary>
internal sealed class ServeScenario : IPerfScenario
{
    public string Name => "serve";

    public Command CreateCommand()
    {
        var listen = new Option<string>("--listen") { Description = "Address to listen on (IP:PORT; port 0 picks a free one).", DefaultValueFactory = _ => "127.0.0.1:4433" };
        var offload = new Option<string>("--offload") { Description = "UDP offload: auto or disabled.", DefaultValueFactory = _ => "auto" };
        offload.AcceptOnlyFromAmong("auto", "disabled");
        var qlog = new Option<string?>("--qlog") { Description = "Directory for server-side qlog traces." };
        var maxBidi = new Option<int>("--max-bidi-streams") { Description = "Bidirectional streams each client may have open at once.", DefaultValueFactory = _ => PerfServerConfig.DefaultMaxInboundBidirectionalStreams };
        var engine = new Option<string>("--engine") { Description = "QUIC engine: managed or msquic (needs libmsquic).", DefaultValueFactory = _ => QuicPerfSettings.ManagedEngine };
        engine.AcceptOnlyFromAmong(QuicPerfSettings.ManagedEngine, QuicPerfSettings.MsQuicEngine);
        var untilStdin = new Option<bool>("--until-stdin-closes") { Description = "Stop when stdin closes (how a parent process stops its child server); otherwise run until Ctrl+C." };
        var rootOut = new Option<string?>("--root-out") { Description = "Write the root certificate (DER) to this file, for a client's --root." };
        var command = new Command(Name, "Run the QUIC perf server alone: prints 'ready {json}' with its address and root certificate, serves until stopped.")
        {
            listen,
            offload,
            qlog,
            maxBidi,
            engine,
            untilStdin,
            rootOut,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!IPEndPoint.TryParse(parse.GetValue(listen)!, out IPEndPoint? endPoint) || parse.GetValue(maxBidi) is < 1 or > 65536)
            {
                await Console.Error.WriteLineAsync("serve: --listen must be IP:PORT and --max-bidi-streams 1 to 65536").ConfigureAwait(false);
                return 1;
            }

            QuicUdpOffload mode = string.Equals(parse.GetValue(offload), "disabled", StringComparison.Ordinal) ? QuicUdpOffload.Disabled : QuicUdpOffload.Auto;
            QuicEngine kind = QuicPerfOptions.ParseEngine(parse.GetValue(engine));
            if (!QuicListener.IsEngineSupported(kind))
            {
                await Console.Error.WriteLineAsync("serve: --engine msquic needs libmsquic: System.Net.Quic.QuicListener.IsSupported is false on this host").ConfigureAwait(false);
                return PerfScenarios.Unavailable;
            }

            var config = new PerfServerConfig(endPoint, mode, parse.GetValue(qlog), parse.GetValue(maxBidi), kind);
            return await RunAsync(config, parse.GetValue(untilStdin), parse.GetValue(rootOut), cancellationToken).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> RunAsync(PerfServerConfig config, bool untilStdinCloses, string? rootOut, CancellationToken cancellationToken)
    {
        using var certificates = new PerfCertificates();
        PerfServer server = await PerfServer.StartAsync(config, certificates.Server, cancellationToken).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            byte[] root = certificates.Root.RawData;
            if (rootOut is not null)
            {
                await File.WriteAllBytesAsync(rootOut, root, cancellationToken).ConfigureAwait(false);
            }

            string ready = JsonSerializer.Serialize(new ServeReadyLine(server.LocalEndPoint.ToString(), Convert.ToBase64String(root)));
            Console.Out.WriteLine(ServeReadyLine.Prefix + ready);
            Console.Out.Flush();
            try
            {
                if (untilStdinCloses)
                {
                    using Stream stdin = Console.OpenStandardInput();
                    await stdin.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C.
            }

            await Console.Error.WriteLineAsync($"serve: stopping with {server.ConnectionCount} connection(s) open").ConfigureAwait(false);
        }

        return 0;
    }
}
