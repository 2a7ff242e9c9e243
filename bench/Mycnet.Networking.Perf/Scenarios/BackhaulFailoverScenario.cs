using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Testing.Topology;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// backhaul-failover: how long from pulling the active uplink's cable to policy routing switched to the
/// next best uplink, next to the configured hold-down.
/// </summary>
/// <remarks>
/// Builds a host namespace with eth0, wlan0 and wwan0 uplinks to a peer namespace holding a TCP
/// listener and a UDP echo server (the probe targets), hosts a <see cref="BackhaulManager"/> inside the
/// host namespace, waits until eth0 is active, then per iteration: takes the peer end of eth0 down
/// (eth0 loses carrier), waits for the switch to wlan0, brings the cable back and waits for the switch
/// back. The clock starts just before the <c>ip link set down</c> command and stops in the manager's
/// switch notification, which is raised after the last routing command returned. The time splits into
/// detection (carrier loss noticed via rtnetlink, debounce, rescan), the Up → Down hold-down, and the
/// make-before-break routing commands. Needs root, iproute2 and nftables.
/// </remarks>
internal sealed class BackhaulFailoverScenario : IPerfScenario
{
    private static readonly string[] Uplinks = ["eth0", "wlan0", "wwan0"];

    public string Name => "backhaul-failover";

    public Command CreateCommand()
    {
        var iterations = new Option<int>("--iterations") { Description = "Failovers to measure.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Unmeasured failovers first (JIT, caches).", DefaultValueFactory = _ => 1 };
        var holdDown = new Option<int>("--hold-down-ms") { Description = "Up → Down hold-down of the manager (ms).", DefaultValueFactory = _ => 300 };
        var probeInterval = new Option<int>("--probe-interval-ms") { Description = "Probe round interval (ms).", DefaultValueFactory = _ => 100 };
        var probeTimeout = new Option<int>("--probe-timeout-ms") { Description = "Probe attempt timeout (ms).", DefaultValueFactory = _ => 500 };
        var debounce = new Option<int>("--debounce-ms") { Description = "Link-change debounce before the rescan (ms).", DefaultValueFactory = _ => 50 };
        var command = new Command(Name, "Time from the active uplink's link going down to policy routing switched to the next best uplink.")
        {
            iterations,
            warmup,
            holdDown,
            probeInterval,
            probeTimeout,
            debounce,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Settings(
                parse.GetValue(iterations),
                parse.GetValue(warmup),
                TimeSpan.FromMilliseconds(parse.GetValue(holdDown)),
                TimeSpan.FromMilliseconds(parse.GetValue(probeInterval)),
                TimeSpan.FromMilliseconds(parse.GetValue(probeTimeout)),
                TimeSpan.FromMilliseconds(parse.GetValue(debounce))),
            cancellationToken));
        return command;
    }

    private async Task<int> RunAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Iterations is < 1 or > 1000 || settings.Warmup is < 0 or > 100)
        {
            PerfScenarios.WriteResult(new { scenario = Name, error = "--iterations must be 1 to 1000 and --warmup 0 to 100" });
            return 1;
        }

        if (TopologyPrerequisites.FindMissing(requireNftables: true) is { } missing)
        {
            PerfScenarios.WriteResult(new { scenario = Name, error = missing });
            return PerfScenarios.Unavailable;
        }

        BackhaulManagerOptions options = CreateOptions(settings);
        await using MultiHomedTopology topology = MultiHomedTopology.Create(Uplinks, requireNftables: true);
        await using TcpAcceptServer tcp = TcpAcceptServer.Start(topology.Peer, new IPEndPoint(MultiHomedTopology.TargetAddress, 7001));
        await using UdpEchoServer udp = UdpEchoServer.Start(topology.Peer, new IPEndPoint(MultiHomedTopology.TargetAddress, 7002));
        await using var manager = new BackhaulManager(options, new BackhaulDependencies { NetworkContext = new NamespaceContext(topology.Host) });
        var watcher = new SwitchWatcher(manager);

        await manager.StartAsync(cancellationToken).ConfigureAwait(false);
        await watcher.WaitForActiveAsync("eth0", cancellationToken).ConfigureAwait(false);
        PerfScenarios.Progress($"{Name}: host {topology.Host.Name}, peer {topology.Peer.Name}; eth0 active; hold-down {settings.HoldDown.TotalMilliseconds:0} ms, probe interval {settings.ProbeInterval.TotalMilliseconds:0} ms, debounce {settings.Debounce.TotalMilliseconds:0} ms");

        var total = new List<TimeSpan>();
        var detection = new List<TimeSpan>();
        var routing = new List<TimeSpan>();
        var switchBack = new List<TimeSpan>();
        for (int i = 1 - settings.Warmup; i <= settings.Iterations; i++)
        {
            // eth0 must have been Up for the minimum time in state, or that (not the hold-down) would be measured.
            await Task.Delay(options.HoldDowns.MinTimeInState + TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);

            Task<Observation> failover = watcher.NextSwitchAsync("wlan0", "eth0", cancellationToken);
            long start = Stopwatch.GetTimestamp();
            topology.PullCable("eth0");
            Observation observed = await failover.ConfigureAwait(false);
            TimeSpan toSwitched = Stopwatch.GetElapsedTime(start, observed.SwitchedAt);
            TimeSpan toDown = Stopwatch.GetElapsedTime(start, observed.DownAt);
            VerifyKernelRule(topology, manager, "wlan0");

            Task<Observation> back = watcher.NextSwitchAsync("eth0", null, cancellationToken);
            long plugged = Stopwatch.GetTimestamp();
            topology.PlugCable("eth0");
            Observation returned = await back.ConfigureAwait(false);
            TimeSpan toSwitchedBack = Stopwatch.GetElapsedTime(plugged, returned.SwitchedAt);
            VerifyKernelRule(topology, manager, "eth0");
            if (i >= 1)
            {
                total.Add(toSwitched);
                detection.Add(toDown - settings.HoldDown);
                routing.Add(toSwitched - toDown);
                switchBack.Add(toSwitchedBack);
            }

            PerfScenarios.Progress(string.Create(
                CultureInfo.InvariantCulture,
                $"{(i >= 1 ? "iteration " + i.ToString(CultureInfo.InvariantCulture) : "warm-up")}: link down -> routing switched {toSwitched.TotalMilliseconds:0.0} ms (eth0 Down after {toDown.TotalMilliseconds:0.0} ms = detection {(toDown - settings.HoldDown).TotalMilliseconds:0.0} + hold-down {settings.HoldDown.TotalMilliseconds:0}; routing {(toSwitched - toDown).TotalMilliseconds:0.0} ms); link up -> switched back {toSwitchedBack.TotalMilliseconds:0} ms"));
        }

        await manager.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        PerfScenarios.WriteResult(new
        {
            scenario = Name,
            iterations = settings.Iterations,
            warmup = settings.Warmup,
            holdDownMs = settings.HoldDown.TotalMilliseconds,
            probeIntervalMs = settings.ProbeInterval.TotalMilliseconds,
            debounceMs = settings.Debounce.TotalMilliseconds,
            probingToUpMs = options.HoldDowns.ProbingToUp.TotalMilliseconds,
            linkDownToSwitchedMs = DurationStats.From(total),
            detectionMs = DurationStats.From(detection),
            routingMs = DurationStats.From(routing),
            linkUpToSwitchedBackMs = DurationStats.From(switchBack),
        });
        return 0;
    }

    private static BackhaulManagerOptions CreateOptions(Settings settings) => new()
    {
        Probes = new BackhaulProbeOptions
        {
            Targets =
            [
                BackhaulProbeTarget.Tcp(new IPEndPoint(MultiHomedTopology.TargetAddress, 7001)),
                BackhaulProbeTarget.UdpEcho(new IPEndPoint(MultiHomedTopology.TargetAddress, 7002)),
            ],
            Interval = settings.ProbeInterval,
            Timeout = settings.ProbeTimeout,
            DegradedLoss = 0.3,
            RecoveredLoss = 0.05,
        },
        HoldDowns = new BackhaulHoldDownOptions
        {
            MinTimeInState = TimeSpan.FromMilliseconds(200),
            UpToDegraded = TimeSpan.FromMilliseconds(200),
            UpToDown = settings.HoldDown,
            DegradedToUp = TimeSpan.FromSeconds(1),
            DegradedToDown = TimeSpan.FromMilliseconds(200),
            ProbingToUp = TimeSpan.FromMilliseconds(600),
            ProbingToDegraded = TimeSpan.FromMilliseconds(600),
            FlapDampening = false, // the benchmark flaps eth0 on purpose
        },
        Switching = new BackhaulSwitchingOptions { MinSwitchInterval = TimeSpan.FromMilliseconds(300), RetryDelay = TimeSpan.FromMilliseconds(500) },
        Routing = new BackhaulRoutingOptions { CommandTimeout = TimeSpan.FromSeconds(15) },
        Discovery = new BackhaulDiscoveryOptions { ChangeDebounce = settings.Debounce, RescanInterval = TimeSpan.FromSeconds(5) },
    };

    // The switch notification is raised after the commands returned; the kernel must agree.
    private static void VerifyKernelRule(MultiHomedTopology topology, BackhaulManager manager, string active)
    {
        int table = 1000 + manager.GetInterfaces().Single(s => string.Equals(s.Name, active, StringComparison.Ordinal)).Index;
        string expected = $"from {topology.HostAddress(active)} lookup {table.ToString(CultureInfo.InvariantCulture)}";
        string rules = topology.Host.Ip("-4", "rule", "show", "priority", "10000").StandardOutput;
        if (!rules.Contains(expected, StringComparison.Ordinal) || rules.Trim().Split('\n').Length != 1)
        {
            throw new InvalidOperationException($"Policy routing does not match {active}: {rules.Trim()}");
        }
    }

    private sealed record Settings(int Iterations, int Warmup, TimeSpan HoldDown, TimeSpan ProbeInterval, TimeSpan ProbeTimeout, TimeSpan Debounce);

    private readonly record struct Observation(long DownAt, long SwitchedAt);

    private sealed class NamespaceContext : IBackhaulNetworkContext
    {
        private readonly NetworkNamespace _namespace;

        public NamespaceContext(NetworkNamespace networkNamespace)
        {
            _namespace = networkNamespace;
        }

        public T Invoke<T>(Func<T> work) => _namespace.Invoke(work);
    }

    /// <summary>Turns the manager's notifications into awaitable, timestamped observations.</summary>
    private sealed class SwitchWatcher
    {
        private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
        private readonly Lock _gate = new();
        private readonly BackhaulManager _manager;
        private (string To, string? Down, TaskCompletionSource<Observation> Done, long DownAt)? _waiter;

        public SwitchWatcher(BackhaulManager manager)
        {
            _manager = manager;
            manager.Changed += OnChanged;
        }

        public async Task WaitForActiveAsync(string name, CancellationToken cancellationToken)
        {
            Task<Observation> switched = NextSwitchAsync(name, null, cancellationToken);
            if (!string.Equals(_manager.Current?.InterfaceName, name, StringComparison.Ordinal))
            {
                await switched.ConfigureAwait(false);
            }
        }

        public Task<Observation> NextSwitchAsync(string to, string? down, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource<Observation>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                _waiter = (to, down, done, 0);
            }

            return done.Task.WaitAsync(Timeout, cancellationToken);
        }

        private void OnChanged(object? sender, BackhaulChangedEventArgs e)
        {
            long now = Stopwatch.GetTimestamp();
            lock (_gate)
            {
                if (_waiter is not { } waiter)
                {
                    return;
                }

                if (e.Change is BackhaulStateChanged { New: BackhaulState.Down } state && string.Equals(state.InterfaceName, waiter.Down, StringComparison.Ordinal))
                {
                    _waiter = waiter with { DownAt = now };
                }
                else if (e.Change is BackhaulSwitched switched && string.Equals(switched.New.InterfaceName, waiter.To, StringComparison.Ordinal))
                {
                    _waiter = null;
                    waiter.Done.TrySetResult(new Observation(waiter.DownAt == 0 ? now : waiter.DownAt, now));
                }
            }
        }
    }
}
