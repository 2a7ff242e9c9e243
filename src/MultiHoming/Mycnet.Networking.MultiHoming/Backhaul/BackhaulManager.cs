using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Picks the backhaul interface a node sends from: discovers interfaces, probes each one through itself,
/// scores them, runs a hold-down state machine per interface, and keeps policy routing pointed at the
/// best working interface with make-before-break switches.
/// </summary>
/// <remarks>
/// <para>Call order: construct (options are validated here), subscribe to <see cref="Changed"/> if
/// wanted, <see cref="StartAsync"/>, read <see cref="Current"/> / <see cref="GetInterfaces"/> /
/// <see cref="GetSwitchHistory"/> at any time, <see cref="SetOverride"/> as needed, then
/// <see cref="ShutdownAsync"/> or <see cref="DisposeAsync"/>, which remove the managed rule and table.</para>
/// <para>Threading: every public member is thread-safe. Notifications are delivered in order, one at a
/// time, on the thread that produced them (a timer or probe completion); handlers must not block.</para>
/// <para>Routing: the active interface gets table <c>TableBase + ifindex</c> and a rule
/// <c>from &lt;source&gt; lookup &lt;table&gt;</c>; connections that bind to <see cref="BackhaulSelection.SourceAddresses"/>
/// leave through it. The main table is never modified, and when no interface is eligible the last
/// routing stays, so the host is never left without a route.</para>
/// </remarks>
public sealed partial class BackhaulManager : IAsyncDisposable
{
    /// <summary>The name of the meter the manager's instruments are on.</summary>
    public const string MeterName = "Mycnet.Networking.MultiHoming.Backhaul";

    private const int SolSocket = 1;
    private const int SoBindToDevice = 25;

    private readonly BackhaulManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BackhaulMetrics _metrics;
    private readonly IBackhaulNetworkContext _context;
    private readonly IInterfaceDiscovery _discovery;
    private readonly ILinkChangeSource? _changeSource;
    private readonly IRouteCommandExecutor _executor;
    private readonly Random _random;
    private readonly Lock _randomGate = new();
    private readonly Dictionary<string, IBackhaulProbe> _probes = new(StringComparer.Ordinal);
    private readonly BackhaulProbeTarget[] _targets;
    private readonly BackhaulController _controller;
    private readonly long _origin;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _shutdown = new();
    private RunState _state;
    private Task? _shutdownTask;

    /// <summary>Creates a manager for the process's own network namespace.</summary>
    /// <param name="options">The settings; validated here (<see cref="ArgumentException"/> names the first invalid one).</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="meterFactory">Creates the meter; a private meter by default.</param>
    public BackhaulManager(
        BackhaulManagerOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
        : this(options, BackhaulDependencies.Default, loggerFactory, timeProvider, meterFactory)
    {
    }

    internal BackhaulManager(
        BackhaulManagerOptions options,
        BackhaulDependencies dependencies,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(dependencies);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<BackhaulManager>();
        _context = dependencies.NetworkContext;
        _discovery = dependencies.Discovery ?? new SystemInterfaceDiscovery(new InterfaceClassifier(options.Discovery), _context);
        _changeSource = dependencies.ChangeSource ?? (!options.Discovery.WatchLinkChanges
            ? null
            : OperatingSystem.IsLinux() ? new RtnetlinkChangeSource(_context) : new NetworkChangeSource());
        _executor = dependencies.RouteExecutor ?? new IpRouteCommandExecutor(options.Routing.IpCommandPath, options.Routing.CommandTimeout, _context, _time);
        _random = dependencies.Random ?? new Random();
        _probes[BackhaulProbeNames.TcpConnect] = new TcpConnectProbe();
        _probes[BackhaulProbeNames.UdpEcho] = new UdpEchoProbe();
        if (options.Probes.QuicPing is { } quicPing)
        {
            _probes[BackhaulProbeNames.QuicPing] = new QuicPingProbe(quicPing);
        }
        foreach (IBackhaulProbe probe in options.Probes.CustomProbes)
        {
            _probes[probe.Name] = probe;
        }

        _targets = [.. options.Probes.Targets];
        _history = new Queue<BackhaulSwitchRecord>(options.Switching.HistoryCapacity);
        _controller = new BackhaulController(options);
        _metrics = new BackhaulMetrics(meterFactory);
        _origin = _time.GetTimestamp();
    }

    private enum RunState
    {
        Created,
        Started,
        Stopping,
        Stopped,
    }

    /// <summary>The active backhaul, or null before the first switch.</summary>
    public BackhaulSelection? Current
    {
        get
        {
            lock (_gate)
            {
                return _controller.ActiveName is { } name ? SelectionLocked(name) : null;
            }
        }
    }

    /// <summary>Snapshots of every interface the manager considers, in name order.</summary>
    public IReadOnlyList<BackhaulInterfaceStatus> GetInterfaces()
    {
        lock (_gate)
        {
            TimeSpan now = Now;
            var list = new List<BackhaulInterfaceStatus>(_controller.Trackers.Count);
            foreach (InterfaceTracker tracker in _controller.Trackers)
            {
                list.Add(new BackhaulInterfaceStatus
                {
                    Name = tracker.Name,
                    Index = tracker.Info.Index,
                    Kind = tracker.Info.Kind,
                    State = tracker.State,
                    TimeInState = now - tracker.Machine.EnteredAt,
                    Score = _controller.Score(tracker),
                    SmoothedRtt = tracker.Statistics.SmoothedRtt,
                    Loss = tracker.Statistics.Loss,
                    Jitter = tracker.Statistics.Jitter,
                    IsOperational = tracker.Info.IsOperational,
                    Override = _controller.GetOverride(tracker.Name),
                    IsActive = string.Equals(tracker.Name, _controller.ActiveName, StringComparison.Ordinal),
                    Addresses = [.. tracker.Info.Addresses.Select(a => a.Address)],
                });
            }

            return list;
        }
    }

    /// <summary>The most recent switches (successful, failed and dry-run), oldest first.</summary>
    public IReadOnlyList<BackhaulSwitchRecord> GetSwitchHistory()
    {
        lock (_gate)
        {
            return [.. _history];
        }
    }

    /// <summary>
    /// Discovers interfaces, clears stale managed rules (unless dry run), starts the link watcher and the
    /// probes. Throws <see cref="BackhaulException"/> (Discovery) when interfaces cannot be listed.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_state != RunState.Created)
            {
                throw new InvalidOperationException("The backhaul manager was already started.");
            }
        }

        IReadOnlyList<DiscoveredInterface> scan = _discovery.Scan();
        if (_options.Routing.RemoveStaleRulesOnStart && !_options.Routing.DryRun)
        {
            await RemoveStaleRoutingAsync(scan, cancellationToken).ConfigureAwait(false);
        }

        lock (_gate)
        {
            if (_state != RunState.Created)
            {
                throw new InvalidOperationException("The backhaul manager was shut down while starting.");
            }

            _state = RunState.Started;
            _deadlineTimer = _time.CreateTimer(static state => ((BackhaulManager)state!).OnDeadline(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _debounceTimer = _time.CreateTimer(static state => ((BackhaulManager)state!).OnRescanDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _rescanTimer = _time.CreateTimer(static state => ((BackhaulManager)state!).OnRescanDue(), this, _options.Discovery.RescanInterval, _options.Discovery.RescanInterval);
        }

        if (_changeSource is not null)
        {
            try
            {
                _changeSource.Start(OnLinkChanged);
            }
            catch (Exception ex) when (ex is BackhaulException or PlatformNotSupportedException or SocketException)
            {
                BackhaulLog.ChangeSourceFailed(_logger, ex);
            }
        }

        SwitchDecision? decision;
        lock (_gate)
        {
            decision = ApplyScanLocked(scan);
        }

        BackhaulLog.Started(_logger, scan.Count, _options.Routing.DryRun);
        AfterEvaluation(decision);
    }

    /// <summary>
    /// Puts a manual override on an interface (which need not exist yet). Force selects it whenever it is
    /// Up or Degraded; Exclude never selects it and switches away at once if it is active; None clears.
    /// </summary>
    public void SetOverride(string interfaceName, BackhaulOverride mode)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(interfaceName);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown override.");
        }

        SwitchDecision? decision;
        lock (_gate)
        {
            _controller.SetOverride(interfaceName, mode);
            decision = _state == RunState.Started ? EvaluateLocked() : null;
        }

        BackhaulLog.OverrideSet(_logger, interfaceName, mode);
        AfterEvaluation(decision);
    }

    /// <summary>
    /// The commands a switch to <paramref name="interfaceName"/> would run now, without running them
    /// (empty when it is already active). Throws <see cref="BackhaulException"/> (Routing) for an unknown
    /// interface or one without a usable address.
    /// </summary>
    public IReadOnlyList<BackhaulRouteCommand> PlanSwitch(string interfaceName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(interfaceName);
        lock (_gate)
        {
            if (!_controller.TryGet(interfaceName, out InterfaceTracker tracker))
            {
                throw new BackhaulException(BackhaulErrorKind.Routing, $"'{interfaceName}' is not a known backhaul interface.");
            }

            if (string.Equals(interfaceName, _controller.ActiveName, StringComparison.Ordinal))
            {
                return [];
            }

            RouteBinding binding = RouteBinding.Create(tracker.Info, _options.Routing.TableBase);
            return [.. RoutePlanner.PlanSwitch(_controller.ActiveBinding, binding, _options.Routing.RulePriority).Select(step => step.Command)];
        }
    }

    /// <summary>
    /// Stops probing and watching, waits for a switch in progress, and removes the managed rule and table
    /// (unless dry run or <see cref="BackhaulRoutingOptions.CleanupOnShutdown"/> is off). Idempotent.
    /// </summary>
    public Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_shutdownTask is null)
            {
                bool started = _state == RunState.Started;
                _state = RunState.Stopping;
                _shutdownTask = ShutdownCoreAsync(started);
            }

            return _shutdownTask.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Shuts down (see <see cref="ShutdownAsync"/>) and releases the meter.</summary>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        _metrics.Dispose();
    }

    private TimeSpan Now => _time.GetElapsedTime(_origin);

    private async Task ShutdownCoreAsync(bool started)
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        List<Task> pending;
        lock (_gate)
        {
            _deadlineTimer?.Dispose();
            _debounceTimer?.Dispose();
            _rescanTimer?.Dispose();
            pending = StopProbeLoopsLocked();
        }

        if (_changeSource is not null)
        {
            await _changeSource.DisposeAsync().ConfigureAwait(false);
        }

        // Rounds end quickly once cancelled, and a scan in progress finishes; a switch in flight is
        // allowed to finish (or roll back) so routing is never left half-switched.
        await Task.WhenAll(pending).ConfigureAwait(false);
        if (_probes.GetValueOrDefault(BackhaulProbeNames.QuicPing) is QuicPingProbe quicProbe)
        {
            await quicProbe.DisposeAsync().ConfigureAwait(false); // the manager's own probe: its connections end with it
        }

        Task? switching;
        lock (_gate)
        {
            switching = _switchDone?.Task;
        }

        if (switching is not null)
        {
            await switching.ConfigureAwait(false);
        }

        RouteBinding? binding;
        lock (_gate)
        {
            binding = _controller.ActiveBinding;
        }

        if (started && binding is not null && _options.Routing.CleanupOnShutdown && !_options.Routing.DryRun)
        {
            RouteTransactionResult result = await RouteTransaction.RunAsync(
                RoutePlanner.PlanRemoval(binding, _options.Routing.RulePriority), _executor, OnCommandSkipped, CancellationToken.None).ConfigureAwait(false);
            if (result.Error is not null)
            {
                BackhaulLog.CleanupFailed(_logger, result.Error);
            }

            lock (_gate)
            {
                _controller.ClearActiveBinding();
            }
        }

        lock (_gate)
        {
            _state = RunState.Stopped;
            CompleteWatchersLocked();
        }

        if (started)
        {
            BackhaulLog.Stopped(_logger);
        }
    }

    private async Task RemoveStaleRoutingAsync(IReadOnlyList<DiscoveredInterface> scan, CancellationToken cancellationToken)
    {
        // Rules at the managed priority belong to the manager; delete them one by one until none is left
        // (the delete then fails). Tables of known interfaces are flushed; missing tables are fine.
        foreach (string family in (string[])["-4", "-6"])
        {
            for (int i = 0; i < 64; i++)
            {
                try
                {
                    await _executor.ExecuteAsync(RoutePlanner.DeleteAnyRule(family, _options.Routing.RulePriority), cancellationToken).ConfigureAwait(false);
                }
                catch (BackhaulException)
                {
                    break;
                }
            }

            foreach (DiscoveredInterface info in scan)
            {
                if (info.Index <= 0)
                {
                    continue;
                }

                try
                {
                    await _executor.ExecuteAsync(RoutePlanner.FlushTable(family, _options.Routing.TableBase + info.Index), cancellationToken).ConfigureAwait(false);
                }
                catch (BackhaulException)
                {
                    // The table does not exist: nothing stale in it.
                }
            }
        }
    }

    private BackhaulSelection SelectionLocked(string name)
    {
        if (_controller.TryGet(name, out InterfaceTracker tracker))
        {
            return new BackhaulSelection(name, tracker.Info.Index, tracker.Info.Kind, tracker.State, _controller.Score(tracker), tracker.Info.SourceAddresses());
        }

        // The active interface vanished; report it as down with the addresses its routing was built for.
        RouteBinding? binding = _controller.ActiveBinding;
        IReadOnlyList<IPAddress> sources = binding is null ? [] : [.. binding.Families.Select(f => f.Source)];
        return new BackhaulSelection(name, 0, BackhaulInterfaceKind.Unknown, BackhaulState.Down, 0, sources);
    }

    private Socket CreateBoundSocket(string interfaceName, IPAddress source, AddressFamily family, SocketType socketType, ProtocolType protocolType) =>
        _context.Invoke(() =>
        {
            var socket = new Socket(family, socketType, protocolType);
            try
            {
                if (OperatingSystem.IsLinux())
                {
                    // SO_BINDTODEVICE takes the NUL-terminated interface name.
                    socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));
                }

                socket.Bind(new IPEndPoint(source, 0));
                return socket;
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                throw new BackhaulException(BackhaulErrorKind.Probe, $"Cannot bind a probe socket to {interfaceName} ({source}): {ex.SocketErrorCode}.", ex);
            }
        });

    private long NextNonce()
    {
        lock (_randomGate)
        {
            return _random.NextInt64();
        }
    }

    private double NextJitter()
    {
        lock (_randomGate)
        {
            return _random.NextDouble();
        }
    }

    private void OnCommandSkipped(BackhaulRouteCommand command, BackhaulException error) =>
        BackhaulLog.RouteCommandSkipped(_logger, command, error.Message);
}
