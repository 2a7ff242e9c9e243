namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// The policy routing the manager maintains: the active interface gets routing table
/// <c>TableBase + ifindex</c> (its on-link prefix and a default route) and a rule
/// <c>from &lt;source&gt; lookup &lt;table&gt;</c> at <see cref="RulePriority"/>. The main table is never
/// touched, so the host keeps its routes whatever happens.
/// </summary>
public sealed class BackhaulRoutingOptions
{
    /// <summary>Plan and record the commands of every switch without running them.</summary>
    public bool DryRun { get; init; }

    /// <summary>Base of the per-interface table numbers (the table is this plus the interface index).</summary>
    public int TableBase { get; init; } = 1000;

    /// <summary>Priority of the managed <c>from &lt;source&gt;</c> rules; below the main table's 32766.</summary>
    public int RulePriority { get; init; } = 10000;

    /// <summary>The iproute2 executable.</summary>
    public string IpCommandPath { get; init; } = "ip";

    /// <summary>Timeout of one command; the process is killed when it elapses.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Remove the managed rule and flush the active table on shutdown.</summary>
    public bool CleanupOnShutdown { get; init; } = true;

    /// <summary>On start, delete rules left at <see cref="RulePriority"/> and flush the tables of known interfaces.</summary>
    public bool RemoveStaleRulesOnStart { get; init; } = true;

    internal void Validate()
    {
        BackhaulManagerOptions.RequireAtLeast(TableBase, 256, "Routing.TableBase");
        BackhaulManagerOptions.RequireAtMost(TableBase, int.MaxValue - (1 << 20), "Routing.TableBase");
        BackhaulManagerOptions.RequireAtLeast(RulePriority, 1, "Routing.RulePriority");
        BackhaulManagerOptions.RequireAtMost(RulePriority, 32765, "Routing.RulePriority");
        if (string.IsNullOrWhiteSpace(IpCommandPath) || IpCommandPath.Any(char.IsWhiteSpace))
        {
            throw BackhaulManagerOptions.Invalid("Routing.IpCommandPath must be a path without whitespace.");
        }

        BackhaulManagerOptions.RequirePositive(CommandTimeout, "Routing.CommandTimeout");
    }
}
