using System.Diagnostics;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Testing.Topology;
using Xunit.Abstractions;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul.Namespaces;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NamespaceCollection
{
    public const string Name = "Network namespaces";
}

/// <summary>
/// The manager hosted in a real network namespace with eth0, wlan0 and wwan0 uplinks to a peer that
/// holds the probe targets (see <see cref="BackhaulTopology"/>). Real sockets, real rtnetlink, real
/// iproute2; the tests wait on the manager's notifications and check the kernel's rules and tables.
/// </summary>
[Collection(NamespaceCollection.Name)]
public sealed class NamespaceBackhaulTests
{
    private readonly ITestOutputHelper _output;

    public NamespaceBackhaulTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [NamespaceFact(RequiresNftables = true)]
    public async Task LinkDown_SwitchesToNextBestWithinHoldDown_AndBackOnlyAfterProbingHoldDown()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        BackhaulManagerOptions options = BackhaulTopology.Options();
        await using BackhaulManager manager = topology.CreateManager(options);
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            await WaitUntilActiveAsync(manager, changes, "eth0");
            topology.AssertRoutingMatches(manager, "eth0");

            // Cable pulled: the peer end goes down, eth0 loses carrier.
            int mark = changes.Mark();
            var clock = Stopwatch.StartNew();
            topology.Peer.SetLinkDown("p-eth0");
            BackhaulSwitched failover = await changes.WaitForSwitchAsync("wlan0", mark);
            TimeSpan elapsed = clock.Elapsed;
            _output.WriteLine($"link down -> routing switched: {elapsed.TotalMilliseconds:0} ms (UpToDown hold-down {options.HoldDowns.UpToDown.TotalMilliseconds:0} ms)");

            Assert.Equal(BackhaulSwitchReason.Failover, failover.Reason);
            Assert.InRange(elapsed, options.HoldDowns.UpToDown, options.HoldDowns.UpToDown + TimeSpan.FromSeconds(10));
            BackhaulStateChanged down = await changes.WaitForStateAsync("eth0", BackhaulState.Down, mark);
            Assert.Equal(BackhaulTransitionReason.LinkDown, down.Reason);
            topology.AssertRoutingMatches(manager, "wlan0");

            // Cable back: Probing, then Up after the hold-down, then the switch back.
            mark = changes.Mark();
            topology.Peer.SetLinkUp("p-eth0");
            BackhaulStateChanged probing = await changes.WaitForStateAsync("eth0", BackhaulState.Probing, mark);
            BackhaulStateChanged up = await changes.WaitForStateAsync("eth0", BackhaulState.Up, mark);
            BackhaulSwitched back = await changes.WaitForSwitchAsync("eth0", mark);
            Assert.Equal(BackhaulSwitchReason.Preferred, back.Reason);
            Assert.True(up.Timestamp - probing.Timestamp >= options.HoldDowns.ProbingToUp, $"Up {(up.Timestamp - probing.Timestamp).TotalMilliseconds} ms after Probing");
            Assert.True(back.Timestamp >= up.Timestamp);
            topology.AssertRoutingMatches(manager, "eth0");
        }
        finally
        {
            Dump(changes);
        }

        await manager.ShutdownAsync();
        topology.AssertNoManagedRouting(manager);
    }

    [NamespaceFact(RequiresNftables = true)]
    public async Task Blackhole_OnALinkThatStaysUp_GoesDegradedThenDownThenSwitches_AndRecovers()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        // Preference switches are held back for 20 s, so only the failover at Down can move traffic:
        // the test sees the whole Up → Degraded → Down → switch sequence.
        BackhaulManagerOptions options = BackhaulTopology.Options(minSwitchInterval: TimeSpan.FromSeconds(20));
        await using BackhaulManager manager = topology.CreateManager(options);
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            await WaitUntilActiveAsync(manager, changes, "eth0");

            int mark = changes.Mark();
            topology.Peer.Firewall.SetBlackhole("p-eth0");
            BackhaulStateChanged degraded = await changes.WaitForStateAsync("eth0", BackhaulState.Degraded, mark);
            BackhaulStateChanged down = await changes.WaitForStateAsync("eth0", BackhaulState.Down, mark);
            BackhaulSwitched failover = await changes.WaitForSwitchAsync("wlan0", mark);
            Assert.Equal(BackhaulState.Up, degraded.Old);
            Assert.Equal(BackhaulState.Degraded, down.Old);
            Assert.Equal(BackhaulTransitionReason.ProbeFailures, down.Reason);
            Assert.Equal(BackhaulSwitchReason.Failover, failover.Reason);
            IReadOnlyList<BackhaulChange> seen = changes.Changes;
            Assert.True(IndexOf(seen, degraded) < IndexOf(seen, down) && IndexOf(seen, down) < IndexOf(seen, failover), "Degraded, then Down, then the switch");
            Assert.Contains(manager.GetInterfaces(), s => s.Name == "eth0" && s.IsOperational); // the link itself stayed up
            topology.AssertRoutingMatches(manager, "wlan0");

            // Blackhole lifted: Probing, then Up after the hold-down; no switch back inside the switch interval.
            mark = changes.Mark();
            topology.Peer.Firewall.Clear("p-eth0");
            BackhaulStateChanged probing = await changes.WaitForStateAsync("eth0", BackhaulState.Probing, mark);
            BackhaulStateChanged up = await changes.WaitForStateAsync("eth0", BackhaulState.Up, mark);
            Assert.True(up.Timestamp - probing.Timestamp >= options.HoldDowns.ProbingToUp);
            Assert.Equal("wlan0", manager.Current?.InterfaceName);
            Assert.DoesNotContain(changes.Changes.Skip(mark), c => c is BackhaulSwitched);
            topology.AssertRoutingMatches(manager, "wlan0");
        }
        finally
        {
            Dump(changes);
        }
    }

    [NamespaceFact(RequiresNftables = true)]
    public async Task Loss_FivePercentOnTheActiveLink_MarksItDegradedNotDown()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        // A single lost attempt in the 40-attempt window (2.5 %) crosses the 2 % threshold. A 2 s probe
        // timeout keeps a slow reply on a loaded machine from counting as a loss.
        BackhaulManagerOptions options = BackhaulTopology.Options(degradedLoss: 0.02, recoveredLoss: 0, probeTimeout: TimeSpan.FromSeconds(2));
        await using BackhaulManager manager = topology.CreateManager(options);
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            await WaitUntilActiveAsync(manager, changes, "eth0");

            int mark = changes.Mark();
            topology.Peer.Firewall.SetLoss("p-eth0", 5, LossDirection.Ingress);
            BackhaulStateChanged degraded = await changes.WaitForStateAsync("eth0", BackhaulState.Degraded, mark);

            Assert.Equal(BackhaulState.Up, degraded.Old);
            Assert.Equal(BackhaulTransitionReason.HighLoss, degraded.Reason);
            BackhaulInterfaceStatus eth0 = manager.GetInterfaces().Single(s => s.Name == "eth0");
            Assert.NotEqual(BackhaulState.Down, eth0.State);
            Assert.True(eth0.Loss > 0, "loss was measured");
            Assert.DoesNotContain(changes.Changes.Skip(mark), c => c is BackhaulStateChanged { InterfaceName: "eth0", New: BackhaulState.Down });

            // Up beats Degraded: the manager moves to wlan0, and the kernel follows.
            await changes.WaitForSwitchAsync("wlan0", mark);
            topology.AssertRoutingMatches(manager, manager.Current!.InterfaceName);
        }
        finally
        {
            Dump(changes);
        }
    }

    [NamespaceFact(RequiresNftables = true)]
    public async Task DryRun_InANamespace_PlansSwitchesButChangesNoRuleOrTable()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        await using BackhaulManager manager = topology.CreateManager(BackhaulTopology.Options(dryRun: true));
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            BackhaulSwitched initial = await WaitUntilActiveAsync(manager, changes, "eth0");
            Assert.True(initial.Record.DryRun);
            topology.AssertNoManagedRouting(manager);

            int mark = changes.Mark();
            topology.Peer.SetLinkDown("p-eth0");
            BackhaulSwitched failover = await changes.WaitForSwitchAsync("wlan0", mark);
            Assert.True(failover.Record.DryRun);
            string[] planned = [.. failover.Record.Commands.Select(c => c.ToString())];
            int eth0Table = BackhaulTopology.TableBase + manager.GetInterfaces().Single(s => s.Name == "eth0").Index;
            int wlan0Table = BackhaulTopology.TableBase + manager.GetInterfaces().Single(s => s.Name == "wlan0").Index;
            Assert.Contains($"ip -4 rule add priority 10000 from 10.77.2.1 table {wlan0Table}", planned);
            Assert.Contains($"ip -4 rule del priority 10000 from 10.77.1.1 table {eth0Table}", planned);
            topology.AssertNoManagedRouting(manager);

            await manager.ShutdownAsync();
            topology.AssertNoManagedRouting(manager);
        }
        finally
        {
            Dump(changes);
        }
    }

    [NamespaceFact]
    public async Task Discovery_InANamespace_ClassifiesLinksFindsGateways_AndALinkChangeRescansWithinASecond()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        var discovery = new SystemInterfaceDiscovery(new InterfaceClassifier(new BackhaulDiscoveryOptions()), new NamespaceNetworkContext(topology.Host));
        IReadOnlyList<DiscoveredInterface> found = discovery.Scan();

        Assert.Equal(["eth0", "wlan0", "wwan0"], found.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            [BackhaulInterfaceKind.Ethernet, BackhaulInterfaceKind.WiFi, BackhaulInterfaceKind.Cellular],
            found.OrderBy(i => i.Name, StringComparer.Ordinal).Select(i => i.Kind));
        DiscoveredInterface wlan0 = found.Single(i => i.Name == "wlan0");
        Assert.True(wlan0.IsOperational);
        Assert.Equal("10.77.2.2", wlan0.GatewayV4?.ToString());
        Assert.Equal("10.77.2.1", wlan0.SourceAddress(System.Net.Sockets.AddressFamily.InterNetwork)?.ToString());
        Assert.Equal(24, wlan0.SourceBinding(System.Net.Sockets.AddressFamily.InterNetwork)?.PrefixLength);

        // Probes far apart and no hold-downs: only the rtnetlink notification can explain a fast Down.
        BackhaulManagerOptions options = BackhaulTopology.Options(probeInterval: TimeSpan.FromSeconds(30), upToDown: TimeSpan.Zero, minTimeInState: TimeSpan.Zero);
        await using BackhaulManager manager = topology.CreateManager(options);
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            int mark = changes.Mark();
            DateTimeOffset before = DateTimeOffset.UtcNow;
            topology.Host.SetLinkDown("wwan0");
            DateTimeOffset after = DateTimeOffset.UtcNow;
            BackhaulStateChanged down = await changes.WaitForStateAsync("wwan0", BackhaulState.Down, mark);
            _output.WriteLine($"link change -> rescan -> Down: {(down.Timestamp - after).TotalMilliseconds:0} ms after the command returned ({(after - before).TotalMilliseconds:0} ms to run it)");
            Assert.Equal(BackhaulTransitionReason.LinkDown, down.Reason);
            Assert.True(down.Timestamp - after < TimeSpan.FromSeconds(1), $"rescanned {(down.Timestamp - after).TotalMilliseconds} ms after the link change");
            Assert.False(manager.GetInterfaces().Single(s => s.Name == "wwan0").IsOperational);
        }
        finally
        {
            Dump(changes);
        }
    }

    [NamespaceFact]
    public void Topology_InvokeRunsInsideTheNamespace_AndDisposeLeavesNoNamespaceBehind()
    {
        string[] names;
        using (NetworkTopology topology = NetworkTopology.Create())
        {
            NetworkNamespace a = topology.AddNamespace("a");
            NetworkNamespace b = topology.AddNamespace("b");
            topology.Connect(a, "uplink0", b, "down0", "10.88.0.1/30", "10.88.0.2/30");
            names = [.. topology.Namespaces.Select(n => n.Name)];
            Assert.All(names, name => Assert.True(NetworkTopology.Exists(name)));

            // The namespace thread sees the namespace's interfaces, in the BCL and in sysfs.
            string[] bcl = a.Invoke(() => System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name).Order(StringComparer.Ordinal).ToArray());
            string[] sysfs = a.Invoke(() => Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray())!;
            Assert.Equal(["lo", "uplink0"], bcl);
            Assert.Equal(["lo", "uplink0"], sysfs);
            Assert.DoesNotContain("uplink0", System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces().Select(n => n.Name));
        }

        Assert.All(names, name => Assert.False(NetworkTopology.Exists(name), $"{name} was left behind"));
    }

    [NamespaceFact]
    public void Topology_SweepRemovesNamespacesOfDeadProcesses_AndSparesLiveOnes()
    {
        int deadPid = FindDeadPid();
        string stale = $"{NetworkTopology.NamePrefix}{deadPid}-0badc0-stale";
        SystemCommand.Run("ip", ["netns", "add", stale]).EnsureSuccess();
        try
        {
            using NetworkTopology live = NetworkTopology.Create();
            NetworkNamespace mine = live.AddNamespace("live");

            NetworkTopology.SweepStale(TimeSpan.Zero);

            Assert.False(NetworkTopology.Exists(stale));
            Assert.True(NetworkTopology.Exists(mine.Name));
        }
        finally
        {
            if (NetworkTopology.Exists(stale))
            {
                SystemCommand.Run("ip", ["netns", "del", stale]);
            }
        }
    }

    private static int FindDeadPid()
    {
        for (int pid = 4_000_000; pid > 1000; pid -= 7919)
        {
            if (!Directory.Exists("/proc/" + pid))
            {
                return pid;
            }
        }

        throw new InvalidOperationException("every probed pid is alive");
    }

    private static int IndexOf(IReadOnlyList<BackhaulChange> changes, BackhaulChange change)
    {
        for (int i = 0; i < changes.Count; i++)
        {
            if (ReferenceEquals(changes[i], change))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Waits until <paramref name="name"/> is active (the initial pick can be another link for a moment).</summary>
    private static async Task<BackhaulSwitched> WaitUntilActiveAsync(BackhaulManager manager, ChangeRecorder changes, string name)
    {
        BackhaulSwitched switched = await changes.WaitForSwitchAsync(name);
        Assert.Equal(name, manager.Current?.InterfaceName);
        return switched;
    }

    private void Dump(ChangeRecorder changes)
    {
        foreach (BackhaulChange change in changes.Changes)
        {
            _output.WriteLine(ChangeRecorder.Describe(change));
        }
    }
}
