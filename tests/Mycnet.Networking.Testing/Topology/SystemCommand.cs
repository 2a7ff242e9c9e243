using System.Diagnostics;
using System.Globalization;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>The outcome of a command.</summary>
/// <param name="Command">The command line, for messages.</param>
/// <param name="ExitCode">The exit code.</param>
/// <param name="StandardOutput">What it printed.</param>
/// <param name="StandardError">What it printed on stderr.</param>
public sealed record CommandResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Whether the exit code was 0.</summary>
    public bool Succeeded => ExitCode == 0;

    /// <summary>Throws <see cref="InvalidOperationException"/> with the command and its stderr unless it succeeded.</summary>
    public CommandResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"'{Command}' failed with exit code {ExitCode}: {StandardError.Trim()}"));
}

/// <summary>Runs system commands with argument arrays (never a shell) and a timeout.</summary>
public static class SystemCommand
{
    /// <summary>The default timeout of a command.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="file"/> with <paramref name="arguments"/>, optionally feeding <paramref name="standardInput"/>.</summary>
    public static CommandResult Run(string file, IReadOnlyList<string> arguments, string? standardInput = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo(file)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        string commandLine = file + " " + string.Join(' ', arguments);
        using Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{commandLine}' did not start.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            process.StandardInput.Write(standardInput);
            process.StandardInput.Close();
        }

        TimeSpan limit = timeout ?? DefaultTimeout;
        if (!process.WaitForExit(limit))
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited just now.
            }

            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"'{commandLine}' did not finish within {limit.TotalSeconds:0.#} s."));
        }

        process.WaitForExit();
        return new CommandResult(commandLine, process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>Whether an executable of this name is on the PATH.</summary>
    public static bool IsOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        foreach (string directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(directory, name)))
            {
                return true;
            }
        }

        return false;
    }
}
