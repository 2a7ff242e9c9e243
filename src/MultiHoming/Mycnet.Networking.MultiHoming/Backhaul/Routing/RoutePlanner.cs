using System.Globalization;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>One command of a plan with the commands that undo it.</summary>
/// <param name="Command">What to run.</param>
/// <param name="Undo">What reverses it, run in order during a rollback.</param>
/// <param name="IgnoreFailure">Whether a failure is logged and skipped rather than failing the plan
/// (flushing a table that is already gone).</param>
internal sealed record RouteStep(BackhaulRouteCommand Command, IReadOnlyList<BackhaulRouteCommand> Undo, bool IgnoreFailure = false);

/// <summary>
/// Plans policy-routing changes as ordered steps with undo commands.
/// </summary>
/// <remarks>
/// Design: make before break. A switch from A to B first fills B's table (on-link prefix, then the
/// default route), then adds B's <c>from</c> rule, and only then deletes A's rule and flushes A's table.
/// At every point at least one rule and a complete table route the active source, so the switch never
/// opens a gap, and every step has an undo so a failed step rolls back to A exactly. Commands are
/// argument arrays for iproute2; nothing here is ever handed to a shell.
/// </remarks>
internal static class RoutePlanner
{
    public static IReadOnlyList<RouteStep> PlanSwitch(RouteBinding? from, RouteBinding to, int rulePriority)
    {
        if (from is not null && from.Table == to.Table)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"Cannot switch table {to.Table} onto itself.");
        }

        string priority = rulePriority.ToString(CultureInfo.InvariantCulture);
        var steps = new List<RouteStep>();
        foreach (RouteFamilyBinding family in to.Families)
        {
            if (PrefixRoute(to, family) is { } prefix)
            {
                steps.Add(new RouteStep(prefix, [DeletePrefixRoute(to, family)]));
            }

            steps.Add(new RouteStep(DefaultRoute(to, family), [Command(family.FamilyFlag, "route", "del", "default", "table", to.TableText)]));
        }

        foreach (RouteFamilyBinding family in to.Families)
        {
            steps.Add(new RouteStep(Rule("add", priority, to, family), [Rule("del", priority, to, family)]));
        }

        if (from is not null)
        {
            foreach (RouteFamilyBinding family in from.Families)
            {
                steps.Add(new RouteStep(Rule("del", priority, from, family), [Rule("add", priority, from, family)]));
            }

            foreach (RouteFamilyBinding family in from.Families)
            {
                steps.Add(new RouteStep(Flush(from, family), RestoreTable(from, family), IgnoreFailure: true));
            }
        }

        return steps;
    }

    /// <summary>Removes a binding: its rule, then its table.</summary>
    public static IReadOnlyList<RouteStep> PlanRemoval(RouteBinding binding, int rulePriority)
    {
        string priority = rulePriority.ToString(CultureInfo.InvariantCulture);
        var steps = new List<RouteStep>();
        foreach (RouteFamilyBinding family in binding.Families)
        {
            steps.Add(new RouteStep(Rule("del", priority, binding, family), [Rule("add", priority, binding, family)], IgnoreFailure: true));
        }

        foreach (RouteFamilyBinding family in binding.Families)
        {
            steps.Add(new RouteStep(Flush(binding, family), [], IgnoreFailure: true));
        }

        return steps;
    }

    /// <summary>One "delete a rule at the managed priority" command (repeated until it fails to clear stale rules).</summary>
    public static BackhaulRouteCommand DeleteAnyRule(string familyFlag, int rulePriority) =>
        Command(familyFlag, "rule", "del", "priority", rulePriority.ToString(CultureInfo.InvariantCulture));

    /// <summary>Flushes a table of one family.</summary>
    public static BackhaulRouteCommand FlushTable(string familyFlag, int table) =>
        Command(familyFlag, "route", "flush", "table", table.ToString(CultureInfo.InvariantCulture));

    private static BackhaulRouteCommand Flush(RouteBinding binding, RouteFamilyBinding family) =>
        Command(family.FamilyFlag, "route", "flush", "table", binding.TableText);

    private static List<BackhaulRouteCommand> RestoreTable(RouteBinding binding, RouteFamilyBinding family)
    {
        var commands = new List<BackhaulRouteCommand>(2);
        if (PrefixRoute(binding, family) is { } prefix)
        {
            commands.Add(prefix);
        }

        commands.Add(DefaultRoute(binding, family));
        return commands;
    }

    private static BackhaulRouteCommand? PrefixRoute(RouteBinding binding, RouteFamilyBinding family)
    {
        if (family.PrefixLength == family.HostPrefixLength)
        {
            return null;
        }

        return Command(
            family.FamilyFlag, "route", "replace", Prefix(family), "dev", binding.InterfaceName,
            "proto", "static", "scope", "link", "src", RouteBinding.Format(family.Source), "table", binding.TableText);
    }

    private static BackhaulRouteCommand DeletePrefixRoute(RouteBinding binding, RouteFamilyBinding family) =>
        Command(family.FamilyFlag, "route", "del", Prefix(family), "dev", binding.InterfaceName, "table", binding.TableText);

    private static BackhaulRouteCommand DefaultRoute(RouteBinding binding, RouteFamilyBinding family) =>
        family.Gateway is { } gateway
            ? Command(family.FamilyFlag, "route", "replace", "default", "via", RouteBinding.Format(gateway), "dev", binding.InterfaceName, "proto", "static", "table", binding.TableText)
            : Command(family.FamilyFlag, "route", "replace", "default", "dev", binding.InterfaceName, "proto", "static", "scope", "link", "table", binding.TableText);

    private static BackhaulRouteCommand Rule(string verb, string priority, RouteBinding binding, RouteFamilyBinding family) =>
        Command(family.FamilyFlag, "rule", verb, "priority", priority, "from", RouteBinding.Format(family.Source), "table", binding.TableText);

    private static string Prefix(RouteFamilyBinding family) =>
        RouteBinding.Format(family.Network) + "/" + family.PrefixLength.ToString(CultureInfo.InvariantCulture);

    private static BackhaulRouteCommand Command(params string[] arguments) => new(arguments);
}
