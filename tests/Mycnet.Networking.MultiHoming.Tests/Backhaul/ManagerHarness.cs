using System.Net;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>
/// A manager on a fake clock with fake discovery, link notifications, probe and routing executor.
/// Every fake completes synchronously, so advancing the clock runs rounds, transitions and switches
/// to completion before <see cref="Advance"/> returns: the tests are deterministic and never sleep.
/// </summary>
/// <remarks>
/// Timing used by the defaults: probe rounds every 1 s (first at t=0); Probing → Up after 3 healthy
/// rounds and a 4 s hold-down, so all three interfaces are Up and eth0 is active at t=6.
/// </remarks>
internal sealed class ManagerHarness : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<BackhaulChange> _changes = [];

    public ManagerHarness(
        Func<FakeProbe, BackhaulManagerOptions>? options = null,
        bool addInterfaces = true,
        TestMeterFactory? meterFactory = null)
    {
        if (addInterfaces)
        {
            Discovery.Set(TestInterfaces.Eth0);
            Discovery.Set(TestInterfaces.Wlan0);
            Discovery.Set(TestInterfaces.Wwan0);
        }

        Options = (options ?? (probe => CreateOptions(probe)))(Probe);
        Manager = new BackhaulManager(
            Options,
            new BackhaulDependencies
            {
                Discovery = Discovery,
                ChangeSource = LinkChanges,
                RouteExecutor = Executor,
                Random = new Random(1234),
            },
            loggerFactory: null,
            timeProvider: Time,
            meterFactory: meterFactory);
        Manager.Changed += (_, e) =>
        {
            lock (_gate)
            {
                _changes.Add(e.Change);
            }
        };
    }

    public FakeTimeProvider Time { get; } = new();

    public FakeDiscovery Discovery { get; } = new();

    public FakeChangeSource LinkChanges { get; } = new();

    public FakeProbe Probe { get; } = new();

    public RecordingExecutor Executor { get; } = new();

    public BackhaulManagerOptions Options { get; }

    public BackhaulManager Manager { get; }

    /// <summary>Time since the harness started, on the fake clock.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Time.GetTimestamp());

    public IReadOnlyList<BackhaulChange> Changes
    {
        get
        {
            lock (_gate)
            {
                return [.. _changes];
            }
        }
    }

    public IReadOnlyList<BackhaulSwitched> Switches => [.. Changes.OfType<BackhaulSwitched>()];

    public static BackhaulProbeOptions ProbeOptions(FakeProbe probe, int windowRounds = 10) => new()
    {
        Targets = [new BackhaulProbeTarget(FakeProbe.ProbeName, new IPEndPoint(IPAddress.Parse("192.0.2.10"), 7))],
        CustomProbes = [probe],
        Interval = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromMilliseconds(500),
        StartJitter = 0,
        WindowRounds = windowRounds,
        UpAfterSuccessfulRounds = 3,
        DegradedAfterFailedRounds = 2,
        DownAfterFailedRounds = 4,
        DegradedLoss = 0.10,
        RecoveredLoss = 0.02,
        DegradedRtt = TimeSpan.FromMilliseconds(400),
        RecoveredRtt = TimeSpan.FromMilliseconds(250),
    };

    public static BackhaulHoldDownOptions HoldDowns(TimeSpan? upToDown = null) => new()
    {
        MinTimeInState = TimeSpan.FromSeconds(1),
        UpToDegraded = TimeSpan.FromSeconds(2),
        UpToDown = upToDown ?? TimeSpan.FromSeconds(3),
        DegradedToUp = TimeSpan.FromSeconds(5),
        DegradedToDown = TimeSpan.FromSeconds(2),
        DownToProbing = TimeSpan.Zero,
        ProbingToUp = TimeSpan.FromSeconds(4),
        ProbingToDegraded = TimeSpan.FromSeconds(4),
        ProbingToDown = TimeSpan.Zero,
        FlapWindow = TimeSpan.FromMinutes(5),
        MaxHoldDown = TimeSpan.FromSeconds(60),
    };

    public static BackhaulManagerOptions CreateOptions(
        FakeProbe probe,
        BackhaulHoldDownOptions? holdDowns = null,
        BackhaulRoutingOptions? routing = null,
        BackhaulSwitchingOptions? switching = null,
        BackhaulProbeOptions? probes = null,
        BackhaulScoringOptions? scoring = null,
        BackhaulDiscoveryOptions? discovery = null) => new()
        {
            Probes = probes ?? ProbeOptions(probe),
            HoldDowns = holdDowns ?? HoldDowns(),
            Switching = switching ?? new BackhaulSwitchingOptions
            {
                SwitchMargin = 10,
                MinSwitchInterval = TimeSpan.FromSeconds(10),
                RetryDelay = TimeSpan.FromSeconds(5),
            },
            Routing = routing ?? new BackhaulRoutingOptions { RemoveStaleRulesOnStart = false },
            Scoring = scoring ?? new BackhaulScoringOptions(),
            Discovery = discovery ?? new BackhaulDiscoveryOptions
            {
                ChangeDebounce = TimeSpan.FromMilliseconds(100),
                RescanInterval = TimeSpan.FromSeconds(30),
            },
        };

    public Task StartAsync() => Manager.StartAsync();

    /// <summary>Starts and runs until all three interfaces are Up and eth0 is active (t = 6 s).</summary>
    public async Task StartAndSettleAsync()
    {
        await Manager.StartAsync();
        AdvanceTo(TimeSpan.FromSeconds(6.5));
        Assert.Equal("eth0", Manager.Current?.InterfaceName);
        Assert.All(Manager.GetInterfaces(), status => Assert.Equal(BackhaulState.Up, status.State));
    }

    public void Advance(TimeSpan delta) => Time.Advance(delta);

    public void AdvanceTo(TimeSpan elapsed)
    {
        TimeSpan delta = elapsed - Elapsed;
        Assert.True(delta >= TimeSpan.Zero, $"cannot go back from {Elapsed} to {elapsed}");
        Time.Advance(delta);
    }

    /// <summary>Takes an interface's link down or up and delivers the link notification, as rtnetlink would.</summary>
    public void SetLink(string name, bool up)
    {
        Discovery.SetLinkUp(name, up);
        LinkChanges.Fire();
    }

    public BackhaulState StateOf(string name) => Manager.GetInterfaces().Single(s => s.Name == name).State;

    public IReadOnlyList<BackhaulStateChanged> TransitionsOf(string name) =>
        [.. Changes.OfType<BackhaulStateChanged>().Where(c => c.InterfaceName == name)];

    public async ValueTask DisposeAsync() => await Manager.DisposeAsync();
}
