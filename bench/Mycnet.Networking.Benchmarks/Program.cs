using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace Mycnet.Networking.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher over every benchmark in this assembly (use --filter).
/// <c>--quick</c> selects <see cref="QuickConfig"/>, a short in-process job.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        IConfig? config = null;
        if (Array.IndexOf(args, QuickConfig.Switch) >= 0)
        {
            config = QuickConfig.Create();
            args = Array.FindAll(args, a => !string.Equals(a, QuickConfig.Switch, StringComparison.Ordinal));
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}
