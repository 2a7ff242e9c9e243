using System.Diagnostics;
using System.Reflection;

namespace Mycnet.Networking.Protocols.Tests.CrossCheck;

/// <summary>
/// Finds node, installs the cross-check's npm dependency when it is missing (npm ci, from the committed
/// package-lock.json), and runs the cross-check script. Without node the cross-check tests skip, except in CI
/// (CI=true), where a missing node is a failure.
/// </summary>
internal static class NodeTooling
{
    private static readonly Lock InstallGate = new();
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static bool _installed;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder holding package.json, crosscheck.mjs and vectors/.</summary>
    public static string Directory { get; } = typeof(NodeTooling).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "MsgpackCrossCheckDirectory").Value!;

    public static string? NodePath { get; } = FindOnPath("node");

    public static string? NpmPath { get; } = FindOnPath("npm");

    /// <summary>Runs the script with <paramref name="arguments"/> and returns its stdout; a non-zero exit fails the test.</summary>
    public static string RunScript(params string[] arguments)
    {
        EnsureInstalled();
        return Run(NodePath!, ["crosscheck.mjs", .. arguments]);
    }

    private static void EnsureInstalled()
    {
        if (NodePath is null)
        {
            throw new InvalidOperationException("node is not on PATH: the MessagePack cross-check cannot run. Install Node.js 18 or later (CI requires it).");
        }

        lock (InstallGate)
        {
            if (_installed || File.Exists(Path.Combine(Directory, "node_modules", "@msgpack", "msgpack", "package.json")))
            {
                _installed = true;
                return;
            }

            if (NpmPath is null)
            {
                throw new InvalidOperationException("npm is not on PATH, so the cross-check's dependency (@msgpack/msgpack) cannot be installed.");
            }

            Run(NpmPath, ["ci", "--no-audit", "--no-fund"]);
            _installed = true;
        }
    }

    private static string Run(string fileName, string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{stderr.Result}");
        }

        return stdout.Result;
    }

    private static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (path is null)
        {
            return null;
        }

        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>
/// A fact that needs node. It is skipped, with the reason, when node is missing outside CI; with CI=true it
/// runs and fails, because CI must cross-check.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeTooling.NodePath is null && !NodeTooling.IsCi)
        {
            Skip = "node is not on PATH, so the MessagePack cross-check against @msgpack/msgpack is skipped (with CI=true it fails instead).";
        }
    }
}
