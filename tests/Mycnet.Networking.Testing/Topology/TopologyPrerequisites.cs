namespace Mycnet.Networking.Testing.Topology;

/// <summary>What namespace topologies need, and whether this machine has it.</summary>
public static class TopologyPrerequisites
{
    /// <summary>Whether the tests run in CI (<c>CI=true</c>), where a missing prerequisite is a failure, not a skip.</summary>
    public static bool IsCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || string.Equals(Environment.GetEnvironmentVariable("CI"), "1", StringComparison.Ordinal);

    /// <summary>Null when topologies can be built here; otherwise what is missing.</summary>
    public static string? FindMissing(bool requireNftables)
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }

        if (!Environment.IsPrivilegedProcess)
        {
            return "network namespaces need root (run as root, e.g. sudo ./scripts/test.sh)";
        }

        if (!SystemCommand.IsOnPath("ip"))
        {
            return "iproute2 ('ip') is not installed (apt-get install iproute2)";
        }

        if (requireNftables && !SystemCommand.IsOnPath("nft"))
        {
            return "nftables ('nft') is not installed (apt-get install nftables)";
        }

        if (!File.Exists("/proc/self/ns/net"))
        {
            return "the kernel has no network namespaces";
        }

        return null;
    }
}

/// <summary>Thrown when a topology cannot be built because a prerequisite is missing.</summary>
public sealed class TopologyUnavailableException : Exception
{
    /// <summary>Creates the exception with the missing prerequisite.</summary>
    public TopologyUnavailableException(string message)
        : base("Namespace topology unavailable: " + message)
    {
    }
}
