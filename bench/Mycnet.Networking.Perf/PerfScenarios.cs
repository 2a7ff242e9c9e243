using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mycnet.Networking.Perf.Scenarios;

namespace Mycnet.Networking.Perf;

/// <summary>A scenario: a subcommand with its own options that prints its result as one JSON line, last.</summary>
internal interface IPerfScenario
{
    /// <summary>The subcommand name, e.g. <c>backhaul-failover</c>.</summary>
    string Name { get; }

    /// <summary>Builds the subcommand with its options and action.</summary>
    Command CreateCommand();
}

/// <summary>The registry of scenarios (add new ones here) and the shared output conventions.</summary>
internal static class PerfScenarios
{
    /// <summary>Exit code of a scenario that could not run here (a missing prerequisite).</summary>
    public const int Unavailable = 2;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,

        // Console output, not HTML: keep ' and + readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static IReadOnlyList<IPerfScenario> All { get; } =
    [
        new BulkScenario(),
        new RrScenario(),
        new HandshakeScenario(),
        new ConnectionsScenario(),
        new ServeScenario(),
        new CertsScenario(),
        new BackhaulFailoverScenario(),
    ];

    /// <summary>Writes the scenario's result: one JSON line on stdout, which must be the last thing printed.</summary>
    public static void WriteResult<T>(T result)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        Console.Out.Flush();
    }

    /// <summary>Progress for humans; goes to stdout before the result line.</summary>
    public static void Progress(string line) => Console.Out.WriteLine(line);
}

/// <summary>Summary statistics of a series of durations, in milliseconds.</summary>
internal sealed record DurationStats(double Min, double Median, double Mean, double Max, IReadOnlyList<double> Samples)
{
    public static DurationStats From(IReadOnlyList<TimeSpan> samples)
    {
        if (samples.Count == 0)
        {
            return new DurationStats(0, 0, 0, 0, []);
        }

        double[] ms = [.. samples.Select(s => Math.Round(s.TotalMilliseconds, 1)).Order()];
        double median = ms.Length % 2 == 1 ? ms[ms.Length / 2] : (ms[(ms.Length / 2) - 1] + ms[ms.Length / 2]) / 2;
        return new DurationStats(ms[0], Math.Round(median, 1), Math.Round(ms.Average(), 1), ms[^1], ms);
    }
}
