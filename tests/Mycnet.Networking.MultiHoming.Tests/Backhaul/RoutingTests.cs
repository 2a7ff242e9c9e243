using System.Net;
using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

public sealed class RoutingTests
{
    private static readonly RouteBinding Eth0 = RouteBinding.Create(TestInterfaces.Eth0, tableBase: 1000);
    private static readonly RouteBinding Wlan0 = RouteBinding.Create(TestInterfaces.Wlan0, tableBase: 1000);

    private static string[] Lines(IEnumerable<RouteStep> steps) => [.. steps.Select(s => string.Join(' ', s.Command.Arguments))];

    [Fact]
    public void MakeBeforeBreak_NewTableThenNewRuleThenOldRuleThenOldTable()
    {
        IReadOnlyList<RouteStep> plan = RoutePlanner.PlanSwitch(Eth0, Wlan0, rulePriority: 10000);

        Assert.Equal(
            [
                "-4 route replace 10.2.0.0/24 dev wlan0 proto static scope link src 10.2.0.2 table 1003",
                "-4 route replace default via 10.2.0.1 dev wlan0 proto static table 1003",
                "-4 rule add priority 10000 from 10.2.0.2 table 1003",
                "-4 rule del priority 10000 from 10.1.0.2 table 1002",
                "-4 route flush table 1002",
            ],
            Lines(plan));
        // Every step can be undone; only the final flush may fail harmlessly (table already gone).
        Assert.All(plan, step => Assert.NotEmpty(step.Undo));
        Assert.Equal([false, false, false, false, true], plan.Select(s => s.IgnoreFailure));
        Assert.Equal("-4 rule add priority 10000 from 10.1.0.2 table 1002", string.Join(' ', plan[3].Undo[0].Arguments));
        Assert.Equal(
            ["-4 route replace 10.1.0.0/24 dev eth0 proto static scope link src 10.1.0.2 table 1002", "-4 route replace default via 10.1.0.1 dev eth0 proto static table 1002"],
            plan[4].Undo.Select(c => string.Join(' ', c.Arguments)));
    }

    [Fact]
    public void MakeBeforeBreak_FirstSwitchOnlyBuilds_AndRemovalDeletesRuleBeforeTable()
    {
        Assert.Equal(
            [
                "-4 route replace 10.1.0.0/24 dev eth0 proto static scope link src 10.1.0.2 table 1002",
                "-4 route replace default via 10.1.0.1 dev eth0 proto static table 1002",
                "-4 rule add priority 10000 from 10.1.0.2 table 1002",
            ],
            Lines(RoutePlanner.PlanSwitch(null, Eth0, 10000)));
        Assert.Equal(
            ["-4 rule del priority 10000 from 10.1.0.2 table 1002", "-4 route flush table 1002"],
            Lines(RoutePlanner.PlanRemoval(Eth0, 10000)));
    }

    [Fact]
    public void Routing_PointToPointWithoutGatewayUsesADeviceRoute_AndIPv6UsesItsOwnFamily()
    {
        RouteBinding wwan = RouteBinding.Create(TestInterfaces.Wwan0, 1000);
        Assert.Equal(
            ["-4 route replace default dev wwan0 proto static scope link table 1004", "-4 rule add priority 100 from 10.3.0.2 table 1004"],
            Lines(RoutePlanner.PlanSwitch(null, wwan, 100)));

        var dual = new DiscoveredInterface(
            "enp1s0", 7, BackhaulInterfaceKind.Ethernet, true,
            [new(IPAddress.Parse("fe80::1%7"), 64), new(IPAddress.Parse("2001:db8:1::10"), 64), new(IPAddress.Parse("192.168.1.10"), 24)],
            IPAddress.Parse("192.168.1.1"),
            IPAddress.Parse("fe80::abcd%7"));
        string[] lines = Lines(RoutePlanner.PlanSwitch(null, RouteBinding.Create(dual, 1000), 100));
        Assert.Contains("-6 route replace 2001:db8:1::/64 dev enp1s0 proto static scope link src 2001:db8:1::10 table 1007", lines);
        Assert.Contains("-6 route replace default via fe80::abcd dev enp1s0 proto static table 1007", lines);
        Assert.Contains("-6 rule add priority 100 from 2001:db8:1::10 table 1007", lines);
        Assert.Contains("-4 rule add priority 100 from 192.168.1.10 table 1007", lines);
        Assert.DoesNotContain(lines, line => line.Contains("fe80::1", StringComparison.Ordinal)); // link-local is never a source
    }

    [Theory]
    [InlineData("eth0; reboot")]
    [InlineData("-n")]
    [InlineData("a b")]
    [InlineData("waytoolongname16")]
    [InlineData("")]
    [InlineData("$(id)")]
    public void Routing_InvalidInterfaceNamesNeverReachACommand(string name)
    {
        DiscoveredInterface bad = TestInterfaces.Eth0 with { Name = name };
        BackhaulException error = Assert.Throws<BackhaulException>(() => RouteBinding.Create(bad, 1000));
        Assert.Equal(BackhaulErrorKind.Routing, error.Kind);
    }

    [Fact]
    public void Routing_RejectsInterfacesWithoutSourceOrValidTable()
    {
        DiscoveredInterface linkLocalOnly = TestInterfaces.Eth0 with { Addresses = [new(IPAddress.Parse("169.254.3.4"), 16)] };
        Assert.Equal(BackhaulErrorKind.Routing, Assert.Throws<BackhaulException>(() => RouteBinding.Create(linkLocalOnly, 1000)).Kind);
        Assert.Throws<BackhaulException>(() => RouteBinding.Create(TestInterfaces.Eth0 with { Index = 0 }, 1000));
        Assert.Throws<BackhaulException>(() => RouteBinding.Create(TestInterfaces.Eth0, int.MaxValue));
        Assert.Throws<BackhaulException>(() => RoutePlanner.PlanSwitch(Eth0, Eth0, 100));
    }

    [Fact]
    public async Task Rollback_UndoesCompletedStepsInReverse_FailedStepIsNotUndone()
    {
        IReadOnlyList<RouteStep> plan = RoutePlanner.PlanSwitch(Eth0, Wlan0, 10000);
        var executor = new RecordingExecutor { FailWhen = c => c.Arguments.SequenceEqual(plan[3].Command.Arguments) };

        RouteTransactionResult result = await RouteTransaction.RunAsync(plan, executor, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.False(result.RollbackFailed);
        Assert.Equal(BackhaulErrorKind.Routing, result.Error?.Kind);
        Assert.Equal(Lines(plan.Take(4)), result.Executed.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal(
            [
                "-4 rule del priority 10000 from 10.2.0.2 table 1003",
                "-4 route del default table 1003",
                "-4 route del 10.2.0.0/24 dev wlan0 table 1003",
            ],
            result.RolledBack.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal([.. Lines(plan.Take(4)), .. result.RolledBack.Select(c => string.Join(' ', c.Arguments))], executor.Commands);
    }

    [Fact]
    public async Task Rollback_FailingUndoIsReportedAndTheRestStillRuns()
    {
        IReadOnlyList<RouteStep> plan = RoutePlanner.PlanSwitch(Eth0, Wlan0, 10000);
        var executor = new RecordingExecutor
        {
            FailWhen = c => c.Arguments.SequenceEqual(plan[3].Command.Arguments) || (c.Arguments[1] == "rule" && c.Arguments[2] == "del"),
        };
        var skipped = new List<string>();

        RouteTransactionResult result = await RouteTransaction.RunAsync(plan, executor, (c, _) => skipped.Add(c.ToString()), CancellationToken.None);

        Assert.True(result.RollbackFailed);
        Assert.Equal(3, result.RolledBack.Count);
        Assert.Equal(["ip -4 rule del priority 10000 from 10.2.0.2 table 1003"], skipped);
    }

    [Fact]
    public async Task Rollback_NotNeededWhenOnlyTheIgnorableFlushFails()
    {
        IReadOnlyList<RouteStep> plan = RoutePlanner.PlanSwitch(Eth0, Wlan0, 10000);
        var executor = new RecordingExecutor { FailWhen = c => c.Arguments.Contains("flush") };
        int skipped = 0;

        RouteTransactionResult result = await RouteTransaction.RunAsync(plan, executor, (_, _) => skipped++, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.RolledBack);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public async Task Executor_PassesArgumentsVerbatimWithoutAShell()
    {
        // test(1) compares its arguments: equal only if nothing split, globbed or substituted them.
        var executor = new IpRouteCommandExecutor("test", TimeSpan.FromSeconds(10), InlineNetworkContext.Instance, TimeProvider.System);
        await executor.ExecuteAsync(new BackhaulRouteCommand(["a b; $(false) *", "=", "a b; $(false) *"]), CancellationToken.None);

        BackhaulException error = await Assert.ThrowsAsync<BackhaulException>(
            () => executor.ExecuteAsync(new BackhaulRouteCommand(["*", "=", "Fakes.cs"]), CancellationToken.None).AsTask());
        Assert.Equal(BackhaulErrorKind.Routing, error.Kind);
        Assert.Contains("exit code 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Executor_NonZeroExitCarriesStderr_MissingExecutableIsARoutingError()
    {
        var ls = new IpRouteCommandExecutor("ls", TimeSpan.FromSeconds(10), InlineNetworkContext.Instance, TimeProvider.System);
        BackhaulException failed = await Assert.ThrowsAsync<BackhaulException>(
            () => ls.ExecuteAsync(new BackhaulRouteCommand(["/nonexistent-mycnet-path"]), CancellationToken.None).AsTask());
        Assert.Contains("nonexistent-mycnet-path", failed.Message, StringComparison.Ordinal);

        var missing = new IpRouteCommandExecutor("/nonexistent/ip", TimeSpan.FromSeconds(10), InlineNetworkContext.Instance, TimeProvider.System);
        BackhaulException notStarted = await Assert.ThrowsAsync<BackhaulException>(
            () => missing.ExecuteAsync(new BackhaulRouteCommand(["rule"]), CancellationToken.None).AsTask());
        Assert.Equal(BackhaulErrorKind.Routing, notStarted.Kind);
    }

    [Fact]
    public async Task Executor_TimeoutKillsTheProcess()
    {
        var executor = new IpRouteCommandExecutor("sleep", TimeSpan.FromMilliseconds(200), InlineNetworkContext.Instance, TimeProvider.System);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        BackhaulException error = await Assert.ThrowsAsync<BackhaulException>(
            () => executor.ExecuteAsync(new BackhaulRouteCommand(["30"]), CancellationToken.None).AsTask());

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
    }
}
