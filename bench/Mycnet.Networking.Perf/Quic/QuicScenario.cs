using System.CommandLine;
using System.Text.Json.Nodes;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// The frame of every QUIC scenario: the shared options (<see cref="QuicPerfOptions"/>), their
/// checks, the server (in-process, child process or external), and the result line with the
/// parameters and the machine facts. A scenario adds its own options and measures.
/// </summary>
internal abstract class QuicScenario : IPerfScenario
{
    private readonly QuicPerfOptions _shared = new();

    public abstract string Name { get; }

    protected abstract string Description { get; }

    public Command CreateCommand()
    {
        var command = new Command(Name, Description);
        AddOptions(command);
        _shared.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            QuicPerfSettings settings;
            try
            {
                settings = _shared.Read(parse);
            }
            catch (FormatException ex)
            {
                return Fail(ex.Message, 1);
            }

            if (settings.Validate() is { } problem)
            {
                return Fail(problem, settings.EngineUnavailable ? PerfScenarios.Unavailable : 1);
            }

            if (Check(parse) is { } invalid)
            {
                return Fail(invalid, 1);
            }

            double[]? load = MachineFacts.LoadAverage();
            PerfScenarios.Progress($"{Name}: engine {settings.EngineName}, server {settings.ModeName}, UDP offload {settings.OffloadName}, {Environment.ProcessorCount} cores, load average {MachineFacts.DescribeLoad(load)}");
            JsonObject result = await RunAsync(parse, settings, cancellationToken).ConfigureAwait(false);
            result["machine"] = MachineFacts.ToJson(load);
            if (settings.QlogDirectory is { } qlog)
            {
                int traces = Directory.Exists(qlog) ? Directory.GetFiles(qlog).Length : 0;
                PerfScenarios.Progress($"{Name}: {traces} file(s) in the qlog directory {Path.GetFullPath(qlog)}");
                result["qlog_files"] = traces;
            }

            PerfScenarios.WriteResult(result);
            return 0;
        });
        return command;
    }

    protected abstract void AddOptions(Command command);

    /// <summary>Why the scenario's own options cannot run, or null.</summary>
    protected abstract string? Check(ParseResult parse);

    /// <summary>Measures, printing progress, and returns the result (the machine facts are added after).</summary>
    protected abstract Task<JsonObject> RunAsync(ParseResult parse, QuicPerfSettings settings, CancellationToken cancellationToken);

    /// <summary>The head of a result line: scenario, engine, server placement, offload, parameters.</summary>
    protected JsonObject NewResult(QuicPerfSettings settings, JsonObject parameters) => new()
    {
        ["scenario"] = Name,
        ["engine"] = settings.EngineName,
        ["server"] = settings.ModeName,
        ["offload"] = settings.OffloadName,
        ["parameters"] = parameters,
    };

    /// <summary>The connection's statistics, or null on an engine that has none (msquic: System.Net.Quic exposes none).</summary>
    protected static QuicConnectionStatistics? StatisticsOf(QuicConnection connection) =>
        connection.Capabilities.PathStatistics ? connection.GetStatistics() : null;

    protected static JsonObject Describe(QuicConnectionStatistics stats) => new()
    {
        ["packets_sent"] = stats.PacketsSent,
        ["packets_received"] = stats.PacketsReceived,
        ["packets_lost"] = stats.PacketsLost,
        ["udp_datagrams_sent"] = stats.UdpDatagramsSent,
        ["udp_send_calls"] = stats.UdpSendCalls,
        ["bytes_sent"] = stats.BytesSent,
        ["bytes_received"] = stats.BytesReceived,
        ["cwnd"] = stats.CongestionWindow,
        ["min_rtt_us"] = Math.Round(stats.MinRtt.TotalMicroseconds, 1),
        ["smoothed_rtt_us"] = Math.Round(stats.SmoothedRtt.TotalMicroseconds, 1),
        ["path_mtu"] = stats.PathMaxDatagramSize,
    };

    protected static string Format(FormattableString text) => FormattableString.Invariant(text);

    protected static double Round(double value, int digits) => Math.Round(value, digits, MidpointRounding.AwayFromZero);

    private int Fail(string error, int exitCode)
    {
        Console.Error.WriteLine($"{Name}: {error}");
        PerfScenarios.WriteResult(new JsonObject { ["scenario"] = Name, ["error"] = error });
        return exitCode;
    }
}
