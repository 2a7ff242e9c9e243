using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>The manager end to end on a fake clock, with fake discovery, probes and routing.</summary>
public sealed class ManagerTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public async Task HoldDown_InitialSelectionWaitsForProbingToUp_ThenPicksTheBestByPolicy()
    {
        await using var h = new ManagerHarness();
        await h.StartAsync();

        h.AdvanceTo(S(5.9)); // three healthy rounds at t=0,1,2; ProbingToUp 4 s from t=2
        Assert.Null(h.Manager.Current);
        Assert.All(h.Manager.GetInterfaces(), s => Assert.Equal(BackhaulState.Probing, s.State));

        h.AdvanceTo(S(6));
        BackhaulSelection? current = h.Manager.Current;
        Assert.Equal("eth0", current?.InterfaceName);
        Assert.Equal(BackhaulState.Up, current?.State);
        Assert.Equal(["10.1.0.2"], current!.SourceAddresses.Select(a => a.ToString()));
        BackhaulSwitched initial = Assert.Single(h.Switches);
        Assert.Null(initial.Old);
        Assert.Equal(BackhaulSwitchReason.Initial, initial.Reason);
        Assert.Equal([RouteCommands.Eth0Table, RouteCommands.Eth0Default, RouteCommands.Eth0RuleAdd], h.Executor.Commands);
        Assert.Equal(S(6), h.Elapsed);
    }

    [Fact]
    public async Task Hysteresis_InitialPickWaitsForAPreferredInterfaceStillComingUp()
    {
        await using var h = new ManagerHarness(addInterfaces: false);
        h.Discovery.Set(TestInterfaces.Wlan0);
        h.Discovery.Set(TestInterfaces.Wwan0);
        await h.StartAsync();

        h.AdvanceTo(S(1));
        h.Discovery.Set(TestInterfaces.Eth0); // appears a second late: rounds at 1.1, 2.1, 3.1, Up at 7.1
        h.LinkChanges.Fire();
        h.AdvanceTo(S(7));
        Assert.Equal(BackhaulState.Up, h.StateOf("wlan0"));
        Assert.Null(h.Manager.Current); // wlan0 has been Up since 6 s, but eth0 is on its way

        h.AdvanceTo(S(7.1));
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        BackhaulSwitched initial = Assert.Single(h.Switches);
        Assert.Equal(BackhaulSwitchReason.Initial, initial.Reason);
    }

    [Fact]
    public async Task Hysteresis_InitialPickDoesNotWaitForAPreferredInterfaceThatFails()
    {
        await using var h = new ManagerHarness();
        h.Probe.Set("eth0", FakeLink.Blackhole);
        await h.StartAsync();

        h.AdvanceTo(S(6));
        Assert.Equal(BackhaulState.Down, h.StateOf("eth0"));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
    }

    [Fact]
    public async Task LinkDown_SwitchesToNextBestAfterTheHoldDown_NotBefore_MakeBeforeBreak()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.Executor.Clear();

        h.AdvanceTo(S(10));
        h.SetLink("eth0", up: false);
        h.AdvanceTo(S(13.05)); // rescan at 10.1 (debounce), UpToDown 3 s → due at 13.1
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulState.Up, h.StateOf("eth0"));
        Assert.Empty(h.Executor.Commands);

        h.AdvanceTo(S(13.1));
        Assert.Equal(BackhaulState.Down, h.StateOf("eth0"));
        BackhaulSelection? current = h.Manager.Current;
        Assert.Equal("wlan0", current?.InterfaceName);
        BackhaulSwitched failover = h.Switches[^1];
        Assert.Equal(BackhaulSwitchReason.Failover, failover.Reason);
        Assert.Equal("eth0", failover.Old?.InterfaceName);
        Assert.Equal(BackhaulState.Down, failover.Old?.State);
        Assert.Equal([RouteCommands.Wlan0Table, RouteCommands.Wlan0Default, RouteCommands.Wlan0RuleAdd, RouteCommands.Eth0RuleDel, RouteCommands.Eth0Flush], h.Executor.Commands);
        BackhaulStateChanged down = h.TransitionsOf("eth0")[^1];
        Assert.Equal(BackhaulTransitionReason.LinkDown, down.Reason);
        Assert.True(h.Changes.ToList().IndexOf(down) < h.Changes.ToList().IndexOf(failover), "the state change is reported before the switch it causes");
    }

    [Fact]
    public async Task LinkDown_RestoreGoesProbingThenUp_AndSwitchesBackOnlyAfterTheHoldDown()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.AdvanceTo(S(10));
        h.SetLink("eth0", up: false);
        h.AdvanceTo(S(14));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);

        h.AdvanceTo(S(20.5));
        h.SetLink("eth0", up: true); // rescan at 20.6; round at 21 answers
        h.AdvanceTo(S(21));
        Assert.Equal(BackhaulState.Probing, h.StateOf("eth0"));
        // Fresh evidence: rounds at 22, 23, 24 make three; ProbingToUp 4 s → Up at 28.
        h.AdvanceTo(S(27.9));
        Assert.Equal(BackhaulState.Probing, h.StateOf("eth0"));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);

        h.AdvanceTo(S(28));
        Assert.Equal(BackhaulState.Up, h.StateOf("eth0"));
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        BackhaulSwitched back = h.Switches[^1];
        Assert.Equal(BackhaulSwitchReason.Preferred, back.Reason);
        Assert.Equal(
            [BackhaulState.Up, BackhaulState.Down, BackhaulState.Probing, BackhaulState.Up],
            h.TransitionsOf("eth0").Select(t => t.New));
        Assert.Equal([RouteCommands.Eth0Table, RouteCommands.Eth0Default, RouteCommands.Eth0RuleAdd, RouteCommands.Wlan0RuleDel, RouteCommands.Wlan0Flush], back.Record.Commands.Select(c => string.Join(' ', c.Arguments)));
    }

    [Fact]
    public async Task Blackhole_LinkStaysUp_DegradedThenDownThenSwitch()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();

        h.AdvanceTo(S(9.5));
        h.Probe.Set("eth0", FakeLink.Blackhole);
        // The failed round at 10 puts loss at 1/10 (degraded); UpToDegraded 2 s → Degraded at 12.
        h.AdvanceTo(S(11.9));
        Assert.Equal(BackhaulState.Up, h.StateOf("eth0"));
        h.AdvanceTo(S(12));
        Assert.Equal(BackhaulState.Degraded, h.StateOf("eth0"));
        // The fourth failed round (13) signals Down; DegradedToDown 2 s → Down at 15, failover at once
        // (the preference switch Up-over-Degraded would have waited for the switch interval, until 16).
        h.AdvanceTo(S(14.9));
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        h.AdvanceTo(S(15));
        Assert.Equal(BackhaulState.Down, h.StateOf("eth0"));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);

        IReadOnlyList<BackhaulStateChanged> eth0 = h.TransitionsOf("eth0");
        Assert.Equal([BackhaulState.Up, BackhaulState.Degraded, BackhaulState.Down], eth0.Select(t => t.New));
        Assert.Equal(BackhaulTransitionReason.ProbeFailures, eth0[^1].Reason);
        Assert.Equal(BackhaulSwitchReason.Failover, h.Switches[^1].Reason);
    }

    [Fact]
    public async Task Loss_TenPercentMarksDegraded_NeverDown_AndUpBeatsDegradedAfterTheSwitchInterval()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();

        h.Probe.SetLossEvery("eth0", 10);
        h.AdvanceTo(S(60));

        Assert.Equal(BackhaulState.Degraded, h.StateOf("eth0"));
        Assert.DoesNotContain(h.TransitionsOf("eth0"), t => t.New == BackhaulState.Down);
        Assert.Equal(BackhaulTransitionReason.HighLoss, h.TransitionsOf("eth0")[^1].Reason);
        BackhaulInterfaceStatus status = h.Manager.GetInterfaces().Single(s => s.Name == "eth0");
        Assert.InRange(status.Loss, 0.1, 0.2);
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Preferred, h.Switches[^1].Reason);
        Assert.Equal(2, h.Switches.Count);
    }

    [Fact]
    public async Task Hysteresis_ScoreLeadBelowTheMarginKeepsTheActive_AboveItSwitches()
    {
        // No policy bias: the interfaces differ only by measured quality; eth0 wins the tie by name.
        await using var h = new ManagerHarness(probe => ManagerHarness.CreateOptions(probe, scoring: new BackhaulScoringOptions { PriorityOrder = [] }));
        await h.StartAndSettleAsync();

        // wlan0 gets faster (20 → 1 ms): a lead of about 0.6 points, far below the 10-point margin.
        h.Probe.SetRtt("wlan0", TimeSpan.FromMilliseconds(1));
        h.AdvanceTo(S(60));
        Assert.Single(h.Switches);
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);

        // eth0 slows to 350 ms: inside the RTT hysteresis band (still Up), but its latency score drops
        // by about 11 points once the smoothed RTT has converged, beyond the margin.
        h.Probe.SetRtt("eth0", TimeSpan.FromMilliseconds(350));
        h.AdvanceTo(S(120));
        Assert.Equal(BackhaulState.Up, h.StateOf("eth0"));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.Equal(BackhaulSwitchReason.Preferred, h.Switches[^1].Reason);
        Assert.Equal(2, h.Switches.Count);
    }

    [Fact]
    public async Task Flap_LinkTogglingEverySecond_CausesOneFailoverAndNoSwitchStorm()
    {
        await using var h = new ManagerHarness(probe => ManagerHarness.CreateOptions(probe, holdDowns: ManagerHarness.HoldDowns(upToDown: S(0.5))));
        await h.StartAndSettleAsync();

        // eth0 flaps for a minute: down at x.5 s, up at the next x.5 s; its probes fail while it is down.
        bool up = true;
        for (double t = 7.5; t < 67.5; t += 1)
        {
            h.AdvanceTo(S(t));
            up = !up;
            h.Probe.Set("eth0", up ? FakeLink.Healthy : FakeLink.Blackhole);
            h.SetLink("eth0", up);
        }

        h.AdvanceTo(S(67.5));
        Assert.Equal(2, h.Switches.Count); // the initial one and one failover: no storm
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.True(h.TransitionsOf("eth0").Count > 20, "the state machine saw the flaps");

        // Stable again: flap dampening stretched ProbingToUp to its 60 s cap, so eth0 waits that long.
        h.Probe.Set("eth0", FakeLink.Healthy);
        h.SetLink("eth0", up: true);
        h.AdvanceTo(S(67.5 + 60));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        h.AdvanceTo(S(67.5 + 66));
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        Assert.Equal(3, h.Switches.Count);
    }

    [Fact]
    public async Task Rollback_FailedRuleAddRestoresOldRouting_AndTheSwitchIsRetriedAfterTheDelay()
    {
        await using var h = new ManagerHarness();
        await h.StartAndSettleAsync();
        h.Executor.Clear();
        h.Executor.FailWhen = c => string.Join(' ', c.Arguments) == RouteCommands.Wlan0RuleAdd;

        h.AdvanceTo(S(10));
        h.SetLink("eth0", up: false);
        h.AdvanceTo(S(13.1));

        Assert.Equal("eth0", h.Manager.Current?.InterfaceName); // still the old one, though Down
        BackhaulSwitchFailed failed = Assert.IsType<BackhaulSwitchFailed>(h.Changes[^1]);
        Assert.Equal("wlan0", failed.Attempted);
        Assert.False(failed.Record.Succeeded);
        Assert.Contains("injected", failed.Record.Error, StringComparison.Ordinal);
        Assert.Equal(
            [RouteCommands.Wlan0Table, RouteCommands.Wlan0Default, RouteCommands.Wlan0RuleAdd, "-4 route del default table 1003", "-4 route del 10.2.0.0/24 dev wlan0 table 1003"],
            h.Executor.Commands);
        Assert.DoesNotContain(RouteCommands.Eth0RuleDel, h.Executor.Commands); // the old rule was never touched

        h.Executor.FailWhen = null;
        h.Executor.Clear();
        h.AdvanceTo(S(18.0)); // RetryDelay 5 s from 13.1
        Assert.Equal("eth0", h.Manager.Current?.InterfaceName);
        h.AdvanceTo(S(18.2));
        Assert.Equal("wlan0", h.Manager.Current?.InterfaceName);
        Assert.Equal([RouteCommands.Wlan0Table, RouteCommands.Wlan0Default, RouteCommands.Wlan0RuleAdd, RouteCommands.Eth0RuleDel, RouteCommands.Eth0Flush], h.Executor.Commands);
        Assert.Equal([true, false, true], h.Manager.GetSwitchHistory().Select(r => r.Succeeded));
    }

}
