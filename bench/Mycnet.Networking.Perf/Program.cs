using System.CommandLine;
using Mycnet.Networking.Perf;

// Usage: dotnet run -c Release --project bench/Mycnet.Networking.Perf -- SCENARIO [options]
// Every scenario prints its progress and then its result as one JSON line, always the last line.
var root = new RootCommand("Mycnet.Networking performance scenarios. Each prints its result last, as one JSON line.");
foreach (IPerfScenario scenario in PerfScenarios.All)
{
    root.Add(scenario.CreateCommand());
}

return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
