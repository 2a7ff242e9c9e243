using System.Diagnostics.Metrics;
using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>The manager's API on a fake clock: overrides, dry run, shutdown, start, notifications, metrics, options.</summary>
public sealed class ManagerApiTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task Override_ForceSwitchesAtOnce_ClearingItReturnsAfterTheSwitchInterval()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();

        h.Manager.SetOverride("wwan0", BackhaulOverride.Force);
        Assert.Equal("wwan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Override, h.Switches[^1].Reason);
        Assert.Equal(BackhaulOverride.Force, h.Manager.GetInterfaces().Single(s => s.Name == "wwan0").Override);

        h.AdvanceTo(S(30)); // the better eth0 does not take over while wwan0 is forced
        Assert.Equal("wwan0", h.Manager.Current?.InterfaceName);

        h.Manager.SetOverride("wwan0", BackhaulOverride.None);
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName); // last switch at 6.5 s: the interval has passed
        Assert.Equal(BackhaulSwitchReason.Preferred, h.Switches[^1].Reason);
    }

    [Fact]
    public async Task Override_ExcludeSwitchesAwayAtOnce_AndForcingADownInterfaceWaitsForIt()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();

        h.Manager.SetOverride("eth0", BackhaulOverride.Exclude);
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Override, h.Switches[^1].Reason);
        h.AdvanceTo(S(40));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);

        h.Probe.Set("wwan0", FakeLink.Blackhole);
        h.AdvanceTo(S(50));
        Assert.Equal(BackhaulState.Down, h.StateOf("wwan0"));
        h.Manager.SetOverride("wwan0", BackhaulOverride.Force);
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName); // a forced interface must be Up or Degraded

        h.Probe.Set("wwan0", FakeLink.Healthy);
        h.AdvanceTo(S(60));
        Assert.Equal("wwan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Override, h.Switches[^1].Reason);
    }

    [Fact]
    public async Task DryRun_PlansAndRecordsEverySwitch_RunsNothing_AndShutdownRunsNothing()
    {
        await using var h = new ManagerHarness(probe => ManagerHarness.CreateOptions(probe, routing: new BackhaulRoutingOptions { DryRun = true }));
        await h.StartAndSettleAsync();
        h.AdvanceTo(S(10));
        h.SetLink("eth0", up: false);
        h.AdvanceTo(S(14));
        await h.Manager.ShutdownAsync();

        Assert.Empty(h.Executor.Commands);
        IReadOnlyList<BackhaulSwitchRecord> history = h.Manager.GetSwitchHistory();
        Assert.Equal(2, history.Count);
        Assert.All(history, r => Assert.True(r.DryRun && r.Succeeded));
        Assert.Equal([RouteCommands.Eth0Table, RouteCommands.Eth0Default, RouteCommands.Eth0RuleAdd], history[0].Commands.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal([RouteCommands.Wlan0Table, RouteCommands.Wlan0Default, RouteCommands.Wlan0RuleAdd, RouteCommands.Eth0RuleDel, RouteCommands.Eth0Flush], history[1].Commands.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
    }

    [Fact]
    public async Task DryRun_PlanSwitchReturnsCommandsWithoutRunningThem()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.Executor.Clear();

        IReadOnlyList<BackhaulRouteCommand> plan = h.Manager.PlanSwitch("wlan0");

        Assert.Equal([RouteCommands.Wlan0Table, RouteCommands.Wlan0Default, RouteCommands.Wlan0RuleAdd, RouteCommands.Eth0RuleDel, RouteCommands.Eth0Flush], plan.Select(c => string.Join(' ', c.Arguments)));
        Assert.Equal("ip " + RouteCommands.Wlan0RuleAdd, plan[2].ToString());
        Assert.Empty(h.Manager.PlanSwitch("eth0"));
        Assert.Empty(h.Executor.Commands);
        Assert.Equal(BackhaulErrorKind.Routing, Assert.Throws<BackhaulException>(() => h.Manager.PlanSwitch("eth7")).Kind);
    }

    [Fact]
    public async Task Shutdown_RemovesTheActiveRuleThenItsTable_AndStopsProbing()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.Executor.Clear();

        await h.Manager.ShutdownAsync();
        await h.Manager.ShutdownAsync(); // idempotent

        Assert.Equal([RouteCommands.Eth0RuleDel, RouteCommands.Eth0Flush], h.Executor.Commands);
        Assert.True(h.LinkChanges.Disposed);
        int attempts = h.Probe.Attempts("eth0");
        h.Advance(S(30));
        Assert.Equal(attempts, h.Probe.Attempts("eth0"));
        Assert.Equal(0, h.Time.ArmedTimerCount);
    }

    [Fact]
    public async Task Start_RemovesStaleRulesAtTheManagedPriority_AndFlushesKnownTables()
    {
        int staleLeft = 2;
        await using var h = new ManagerHarness(probe => ManagerHarness.CreateOptions(probe, routing: new BackhaulRoutingOptions { RemoveStaleRulesOnStart = true }));
        h.Executor.FailWhen = c => c.Arguments.Count == 5 && c.Arguments[1] == "rule" && (c.Arguments[0] == "-6" || staleLeft-- <= 0);

        await h.StartAsync();

        Assert.Equal(
            [
                "-4 rule del priority 10000", "-4 rule del priority 10000", "-4 rule del priority 10000",
                "-4 route flush table 1002", "-4 route flush table 1003", "-4 route flush table 1004",
                "-6 rule del priority 10000",
                "-6 route flush table 1002", "-6 route flush table 1003", "-6 route flush table 1004",
            ],
            h.Executor.Commands);
    }

    [Fact]
    public async Task Discovery_FailureAtStartThrowsDiscoveryKind_LaterFailuresKeepTheLastKnownState()
    {
        await using var h = new ManagerHarness();
        h.Discovery.FailWith = new BackhaulException(BackhaulErrorKind.Discovery, "sysfs unreadable");
        BackhaulException error = await Assert.ThrowsAsync<BackhaulException>(() => h.Manager.StartAsync());
        Assert.Equal(BackhaulErrorKind.Discovery, error.Kind);

        h.Discovery.FailWith = null;
        await h.StartAndSettleAsync();
        h.Discovery.FailWith = new BackhaulException(BackhaulErrorKind.Discovery, "sysfs unreadable");
        h.LinkChanges.Fire();
        h.AdvanceTo(S(40)); // the debounced and the periodic rescans fail
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        Assert.Equal(3, h.Manager.GetInterfaces().Count);
    }

    [Fact]
    public async Task Discovery_LinkNotificationRescansWithinTheDebounce_VanishedActiveFailsOver()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        int scans = h.Discovery.ScanCount;

        h.Discovery.Remove("eth0");
        h.LinkChanges.Fire();
        h.LinkChanges.Fire(); // a burst coalesces into one rescan
        h.Advance(S(0.099));
        Assert.Equal(scans, h.Discovery.ScanCount);
        h.Advance(S(0.001));
        Assert.Equal(scans + 1, h.Discovery.ScanCount);

        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Vanished, h.Switches[^1].Reason);
        Assert.Equal(BackhaulTransitionReason.Vanished, h.TransitionsOf("eth0")[^1].Reason);
        Assert.DoesNotContain(h.Manager.GetInterfaces(), s => s.Name == "eth0");
    }

    [Fact]
    public async Task Probe_ThatThrowsCountsAsFailure_AndTheManagerKeepsRunning()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.Probe.ThrowOnInterface = "eth0";
        h.Probe.ThrowFor = new BackhaulException(BackhaulErrorKind.Probe, "cannot bind");

        h.AdvanceTo(S(30));

        Assert.Equal(BackhaulState.Down, h.StateOf("eth0"));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
    }

    [Fact]
    public async Task Notifications_WatchStreamMatchesTheEvent_AndEndsOnShutdown()
    {
        await using var h = new ManagerHarness();
        IAsyncEnumerator<BackhaulChange> watch = h.Manager.WatchChangesAsync().GetAsyncEnumerator();
        ValueTask<bool> first = watch.MoveNextAsync(); // enumeration starts: from here on nothing is missed

        await h.StartAndSettleAsync();
        h.AdvanceTo(S(10));
        h.SetLink("eth0", up: false);
        h.AdvanceTo(S(14));
        await h.Manager.ShutdownAsync();

        var streamed = new List<BackhaulChange>();
        if (await first)
        {
            streamed.Add(watch.Current);
            while (await watch.MoveNextAsync())
            {
                streamed.Add(watch.Current);
            }
        }

        Assert.Equal(h.Changes, streamed);
        Assert.Equal(4, streamed.OfType<BackhaulStateChanged>().Count()); // three Probing → Up, eth0 Up → Down
        Assert.Equal(2, streamed.OfType<BackhaulSwitched>().Count());
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_CountSwitchesProbeRttAndTimeInState()
    {
        using var meters = new TestMeterFactory();
        var measurements = new List<(string Name, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter.Scope, meters))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (measurements) { measurements.Add((i.Name, v)); } });
        listener.SetMeasurementEventCallback<double>((i, v, _, _) => { lock (measurements) { measurements.Add((i.Name, v)); } });
        listener.Start();

        await using var h = new ManagerHarness(meterFactory: meters);
        await h.StartAndSettleAsync();

        lock (measurements)
        {
            Assert.Equal(1, measurements.Count(m => m.Name == "mycnet.backhaul.switches"));
            Assert.Contains(measurements, m => m.Name == "mycnet.backhaul.probe.rtt" && Math.Abs(m.Value - 0.020) < 1e-9);
            Assert.Contains(measurements, m => m.Name == "mycnet.backhaul.state.duration" && Math.Abs(m.Value - 6) < 1e-9);
        }
    }

    [Fact]
    public void Options_AreValidatedAtConstruction()
    {
        var probe = new FakeProbe();
        BackhaulManagerOptions valid = ManagerHarness.CreateOptions(probe);
        Assert.Throws<ArgumentException>(() => new BackhaulManager(new BackhaulManagerOptions()));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(new BackhaulManagerOptions { Probes = new BackhaulProbeOptions { Targets = [BackhaulProbeTarget.Tcp(new(System.Net.IPAddress.Loopback, 0))] } }));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(new BackhaulManagerOptions { Probes = new BackhaulProbeOptions { Targets = [new("quic-ping", new(System.Net.IPAddress.Loopback, 443))] } }));
        BackhaulProbeOptions p = ManagerHarness.ProbeOptions(probe);
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, probes: new BackhaulProbeOptions { Targets = p.Targets, CustomProbes = p.CustomProbes, RecoveredLoss = 0.2, DegradedLoss = 0.1 })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, probes: new BackhaulProbeOptions { Targets = p.Targets, CustomProbes = p.CustomProbes, DegradedAfterFailedRounds = 4, DownAfterFailedRounds = 4 })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, holdDowns: new BackhaulHoldDownOptions { UpToDown = S(-1) })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, routing: new BackhaulRoutingOptions { RulePriority = 32766 })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, routing: new BackhaulRoutingOptions { TableBase = 254 })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, routing: new BackhaulRoutingOptions { IpCommandPath = "ip; reboot" })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, discovery: new BackhaulDiscoveryOptions { ChangeDebounce = S(1) })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, scoring: new BackhaulScoringOptions { LatencyWeight = 0, LossWeight = 0, SuccessWeight = 0 })));
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, switching: new BackhaulSwitchingOptions { HistoryCapacity = 0 })));
        var duplicate = new BackhaulProbeOptions { Targets = [new(FakeProbe.ProbeName, new(System.Net.IPAddress.Loopback, 7))], CustomProbes = [probe, new FakeProbe()] };
        Assert.Throws<ArgumentException>(() => new BackhaulManager(ManagerHarness.CreateOptions(probe, probes: duplicate)));
        valid.Validate();
    }

    [Fact]
    public async Task History_KeepsTheConfiguredNumberOfRecords()
    {
        await using var h = new ManagerHarness(probe => ManagerHarness.CreateOptions(probe, switching: new BackhaulSwitchingOptions { HistoryCapacity = 2, MinSwitchInterval = TimeSpan.Zero, SwitchMargin = 10 }));
        await h.StartAndSettleAsync();
        h.Manager.SetOverride("wlan0", BackhaulOverride.Force);
        h.Manager.SetOverride("wwan0", BackhaulOverride.Force);

        IReadOnlyList<BackhaulSwitchRecord> history = h.Manager.GetSwitchHistory();
        Assert.Equal(["wlan0", "wwan0"], history.Select(r => r.To));
        Assert.Equal(["eth0", "wlan0"], history.Select(r => r.From));
    }
}
