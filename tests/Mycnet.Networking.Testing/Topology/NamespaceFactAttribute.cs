using Xunit;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>
/// A fact that needs network namespaces (root, iproute2, optionally nftables). Without them it is
/// skipped with the reason, except in CI (<c>CI=true</c>), where it runs and fails on the missing
/// prerequisite, so a CI machine that cannot run it is noticed.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class NamespaceFactAttribute : FactAttribute
{
    private string? _skip;

    /// <summary>Whether the test also needs nftables.</summary>
    public bool RequiresNftables { get; set; }

    /// <inheritdoc />
    public override string? Skip
    {
        get
        {
            if (_skip is not null)
            {
                return _skip;
            }

            string? missing = TopologyPrerequisites.FindMissing(RequiresNftables);
            return missing is null || TopologyPrerequisites.IsCi ? null : "skipped: " + missing;
        }

        set => _skip = value;
    }
}
