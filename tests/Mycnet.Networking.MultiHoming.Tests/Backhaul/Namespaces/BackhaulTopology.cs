using System.Net;
using System.Text.Json;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Testing.Topology;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul.Namespaces;

/// <summary>Runs the manager's system calls on a thread inside a namespace (see <see cref="IBackhaulNetworkContext"/>).</summary>
internal sealed class NamespaceNetworkContext : IBackhaulNetworkContext
{
    private readonly NetworkNamespace _namespace;

    public NamespaceNetworkContext(NetworkNamespace networkNamespace)
    {
        _namespace = networkNamespace;
    }

    public T Invoke<T>(Func<T> work) => _namespace.Invoke(work);
}

/// <summary>
/// The backhaul test bed: a <see cref="MultiHomedTopology"/> whose host has eth0, wlan0 and wwan0
/// uplinks, with a TCP listener and a UDP echo server on the peer's target address as probe targets,
/// running in this process on sockets created inside the peer namespace.
/// </summary>
internal sealed class BackhaulTopology : IAsyncDisposable
{
    public const int TablePriority = 10000;
    public const int TableBase = 1000;
    public static readonly string[] Links = ["eth0", "wlan0", "wwan0"];

    private readonly MultiHomedTopology _topology;

    private BackhaulTopology(MultiHomedTopology topology, TcpAcceptServer tcp, UdpEchoServer udp)
    {
        _topology = topology;
        Tcp = tcp;
        Udp = udp;
    }

    public static IPAddress TargetAddress => MultiHomedTopology.TargetAddress;

    public NetworkNamespace Host => _topology.Host;

    public NetworkNamespace Peer => _topology.Peer;

    public TcpAcceptServer Tcp { get; }

    public UdpEchoServer Udp { get; }

    public static BackhaulTopology Create()
    {
        MultiHomedTopology topology = MultiHomedTopology.Create(Links, requireNftables: true);
        try
        {
            TcpAcceptServer tcp = TcpAcceptServer.Start(topology.Peer, new IPEndPoint(TargetAddress, 7001));
            UdpEchoServer udp = UdpEchoServer.Start(topology.Peer, new IPEndPoint(TargetAddress, 7002));
            return new BackhaulTopology(topology, tcp, udp);
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    /// <summary>Options for a manager in the host namespace: short intervals and hold-downs so tests take seconds.</summary>
    public static BackhaulManagerOptions Options(
        bool dryRun = false,
        double degradedLoss = 0.3,
        double recoveredLoss = 0.05,
        TimeSpan? probeInterval = null,
        TimeSpan? upToDown = null,
        TimeSpan? minTimeInState = null,
        TimeSpan? minSwitchInterval = null,
        TimeSpan? probeTimeout = null,
        IList<BackhaulProbeTarget>? targets = null,
        QuicPingProbeOptions? quicPing = null) => new()
        {
            Probes = new BackhaulProbeOptions
            {
                Targets = targets ?? [BackhaulProbeTarget.Tcp(new IPEndPoint(TargetAddress, 7001)), BackhaulProbeTarget.UdpEcho(new IPEndPoint(TargetAddress, 7002))],
                QuicPing = quicPing,
                Interval = probeInterval ?? TimeSpan.FromMilliseconds(100),
                Timeout = probeTimeout ?? TimeSpan.FromMilliseconds(500),
                WindowRounds = 20,
                UpAfterSuccessfulRounds = 3,
                DegradedAfterFailedRounds = 2,
                DownAfterFailedRounds = 4,
                DegradedLoss = degradedLoss,
                RecoveredLoss = recoveredLoss,
                DegradedRtt = TimeSpan.FromMilliseconds(400),
                RecoveredRtt = TimeSpan.FromMilliseconds(300),
            },
            HoldDowns = new BackhaulHoldDownOptions
            {
                MinTimeInState = minTimeInState ?? TimeSpan.FromMilliseconds(200),
                UpToDegraded = TimeSpan.FromMilliseconds(200),
                UpToDown = upToDown ?? TimeSpan.FromMilliseconds(300),
                DegradedToUp = TimeSpan.FromSeconds(1),
                DegradedToDown = TimeSpan.FromMilliseconds(200),
                DownToProbing = TimeSpan.Zero,
                ProbingToUp = TimeSpan.FromMilliseconds(600),
                ProbingToDegraded = TimeSpan.FromMilliseconds(600),
                ProbingToDown = TimeSpan.Zero,
            },
            Switching = new BackhaulSwitchingOptions
            {
                SwitchMargin = 10,
                MinSwitchInterval = minSwitchInterval ?? TimeSpan.FromMilliseconds(300),
                RetryDelay = TimeSpan.FromMilliseconds(500),
            },
            Routing = new BackhaulRoutingOptions
            {
                DryRun = dryRun,
                TableBase = TableBase,
                RulePriority = TablePriority,
                CommandTimeout = TimeSpan.FromSeconds(15),
            },
            Discovery = new BackhaulDiscoveryOptions
            {
                ChangeDebounce = TimeSpan.FromMilliseconds(50),
                RescanInterval = TimeSpan.FromSeconds(5),
            },
        };

    /// <summary>A manager hosted in the host namespace: discovery, netlink, probe sockets and iproute2 all run there.</summary>
    public BackhaulManager CreateManager(BackhaulManagerOptions options) =>
        new(options, new BackhaulDependencies { NetworkContext = new NamespaceNetworkContext(Host) });

    /// <summary>The managed rules (at the test priority) in the host namespace, as (source, table).</summary>
    public IReadOnlyList<(string Source, string Table)> ManagedRules() =>
        [.. Host.IpJson("-4", "rule", "show").EnumerateArray()
            .Where(rule => rule.TryGetProperty("priority", out JsonElement p) && p.GetInt32() == TablePriority)
            .Select(rule => (rule.GetProperty("src").GetString()!, rule.GetProperty("table").GetString()!))];

    /// <summary>The routes of a table in the host namespace as "dst gateway dev" lines (empty when the table does not exist).</summary>
    public IReadOnlyList<string> TableRoutes(int table) =>
        [.. Host.IpJson("-4", "route", "show", "table", table.ToString(System.Globalization.CultureInfo.InvariantCulture)).EnumerateArray()
            .Select(route => string.Join(' ', route.GetProperty("dst").GetString(), route.TryGetProperty("gateway", out JsonElement gw) ? "via " + gw.GetString() : "direct", "dev " + route.GetProperty("dev").GetString()))
            .Order(StringComparer.Ordinal)];

    /// <summary>
    /// Asserts that the host's policy routing is exactly that of <paramref name="active"/>: one managed
    /// rule from its address into its table, its table holding its prefix and default route, and the
    /// tables of the other links empty.
    /// </summary>
    public void AssertRoutingMatches(BackhaulManager manager, string active)
    {
        IReadOnlyList<BackhaulInterfaceStatus> interfaces = manager.GetInterfaces();
        int linkIndex = Array.IndexOf(Links, active);
        string subnet = $"10.77.{linkIndex + 1}";
        int table = TableBase + interfaces.Single(s => s.Name == active).Index;
        Assert.Equal([(subnet + ".1", table.ToString(System.Globalization.CultureInfo.InvariantCulture))], ManagedRules());
        Assert.Equal([$"{subnet}.0/24 direct dev {active}", $"default via {subnet}.2 dev {active}"], TableRoutes(table).OrderBy(r => r.StartsWith("default", StringComparison.Ordinal)));
        foreach (BackhaulInterfaceStatus other in interfaces.Where(s => s.Name != active))
        {
            Assert.Empty(TableRoutes(TableBase + other.Index));
        }
    }

    /// <summary>Asserts that no managed rule and no managed table exists in the host namespace.</summary>
    public void AssertNoManagedRouting(BackhaulManager manager)
    {
        Assert.Empty(ManagedRules());
        foreach (BackhaulInterfaceStatus status in manager.GetInterfaces())
        {
            Assert.Empty(TableRoutes(TableBase + status.Index));
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Tcp.DisposeAsync();
            await Udp.DisposeAsync();
        }
        finally
        {
            _topology.Dispose();
        }
    }
}

/// <summary>
/// Records a manager's changes and lets a test await the next one that matches, with a timeout, so the
/// namespace tests synchronise on the manager's own notifications and never sleep.
/// </summary>
internal sealed class ChangeRecorder
{
    private readonly Lock _gate = new();
    private readonly List<BackhaulChange> _changes = [];
    private readonly List<(Func<BackhaulChange, bool> Match, int From, TaskCompletionSource<BackhaulChange> Done)> _waiters = [];

    public ChangeRecorder(BackhaulManager manager)
    {
        manager.Changed += (_, e) => Add(e.Change);
    }

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(30);

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

    /// <summary>How many changes have been seen; pass it to <see cref="WaitAsync"/> to wait only for later ones.</summary>
    public int Mark()
    {
        lock (_gate)
        {
            return _changes.Count;
        }
    }

    public async Task<T> WaitAsync<T>(Func<T, bool> match, int from = 0, TimeSpan? timeout = null)
        where T : BackhaulChange
    {
        TaskCompletionSource<BackhaulChange> done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        bool Matches(BackhaulChange change) => change is T typed && match(typed);
        lock (_gate)
        {
            for (int i = from; i < _changes.Count; i++)
            {
                if (Matches(_changes[i]))
                {
                    return (T)_changes[i];
                }
            }

            _waiters.Add((Matches, from, done));
        }

        try
        {
            return (T)await done.Task.WaitAsync(timeout ?? DefaultTimeout);
        }
        catch (TimeoutException ex)
        {
            string seen = string.Join(Environment.NewLine, Changes.Skip(from).Select(Describe));
            throw new TimeoutException($"No matching {typeof(T).Name} within {(timeout ?? DefaultTimeout).TotalSeconds} s. Changes seen:{Environment.NewLine}{seen}", ex);
        }
    }

    public Task<BackhaulSwitched> WaitForSwitchAsync(string to, int from = 0) =>
        WaitAsync<BackhaulSwitched>(s => s.New.InterfaceName == to, from);

    public Task<BackhaulStateChanged> WaitForStateAsync(string name, BackhaulState state, int from = 0) =>
        WaitAsync<BackhaulStateChanged>(s => s.InterfaceName == name && s.New == state, from);

    public static string Describe(BackhaulChange change) => change switch
    {
        BackhaulSwitched s => $"{s.Timestamp:HH:mm:ss.fff} switched {s.Old?.InterfaceName ?? "none"} -> {s.New.InterfaceName} ({s.Reason})",
        BackhaulSwitchFailed f => $"{f.Timestamp:HH:mm:ss.fff} switch to {f.Attempted} failed: {f.Record.Error}",
        BackhaulStateChanged c => $"{c.Timestamp:HH:mm:ss.fff} {c.InterfaceName} {c.Old} -> {c.New} ({c.Reason})",
        _ => change.ToString(),
    };

    private void Add(BackhaulChange change)
    {
        lock (_gate)
        {
            _changes.Add(change);
            int index = _changes.Count - 1;
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (index >= _waiters[i].From && _waiters[i].Match(change))
                {
                    _waiters[i].Done.TrySetResult(change);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }
}
