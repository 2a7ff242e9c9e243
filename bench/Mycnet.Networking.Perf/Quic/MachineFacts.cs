using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>What a reader needs to judge a figure: cores, load, runtime, GC mode.</summary>
internal static class MachineFacts
{
    /// <summary>The 1, 5 and 15 minute load averages from /proc/loadavg, or null where there is none.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            string[] parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return
            [
                double.Parse(parts[0], CultureInfo.InvariantCulture),
                double.Parse(parts[1], CultureInfo.InvariantCulture),
                double.Parse(parts[2], CultureInfo.InvariantCulture),
            ];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string DescribeLoad(double[]? load) =>
        load is null ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{load[0]:0.00} {load[1]:0.00} {load[2]:0.00}");

    /// <summary>The machine object of a result line; <paramref name="loadAtStart"/> is the load when the scenario began.</summary>
    public static JsonObject ToJson(double[]? loadAtStart) => new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["load_average"] = ToArray(LoadAverage()),
        ["load_average_at_start"] = ToArray(loadAtStart),
        ["os"] = RuntimeInformation.OSDescription,
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["gc"] = (GCSettings.IsServerGC ? "server" : "workstation") + (GCSettings.LatencyMode == GCLatencyMode.Batch ? "" : ", concurrent"),
    };

    private static JsonArray? ToArray(double[]? values)
    {
        if (values is null)
        {
            return null;
        }

        var array = new JsonArray();
        foreach (double value in values)
        {
            array.Add(value);
        }

        return array;
    }
}
