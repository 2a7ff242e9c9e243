using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

// Probe loops and rescans: one periodic timer per interface starts a round unless the previous round is
// still running; rescans come from the periodic timer or, debounced, from link change notifications.
public sealed partial class BackhaulManager
{
    private readonly Dictionary<string, ProbeLoop> _loops = new(StringComparer.Ordinal);
    private ITimer? _deadlineTimer;
    private ITimer? _debounceTimer;
    private ITimer? _rescanTimer;
    private bool _debounceArmed;
    private bool _scanning;
    private bool _rescanRequested;
    private int _activeRounds;
    private TaskCompletionSource? _roundsDrained;
    private TaskCompletionSource? _scanDrained;

    private void OnLinkChanged()
    {
        lock (_gate)
        {
            if (_state != RunState.Started || _debounceArmed)
            {
                return;
            }

            _debounceArmed = true;
            _debounceTimer?.Change(_options.Discovery.ChangeDebounce, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnRescanDue()
    {
        lock (_gate)
        {
            _debounceArmed = false;
            if (_state != RunState.Started)
            {
                return;
            }

            if (_scanning)
            {
                _rescanRequested = true;
                return;
            }

            _scanning = true;
        }

        bool again;
        do
        {
            IReadOnlyList<DiscoveredInterface>? scan = null;
            try
            {
                scan = _discovery.Scan();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Runs on a timer thread: nothing may escape. The last known interfaces stay in use.
                BackhaulLog.DiscoveryFailed(_logger, ex);
            }

            SwitchDecision? decision = null;
            TaskCompletionSource? drained = null;
            lock (_gate)
            {
                if (scan is not null && _state == RunState.Started)
                {
                    decision = ApplyScanLocked(scan);
                }

                again = _rescanRequested && _state == RunState.Started;
                _rescanRequested = false;
                _scanning = again;
                if (!again)
                {
                    drained = _scanDrained;
                    _scanDrained = null;
                }
            }

            drained?.TrySetResult();
            AfterEvaluation(decision);
        }
        while (again);
    }

    // Merges a scan, starts and stops probe loops, evaluates. Returns a switch to start, if any.
    private SwitchDecision? ApplyScanLocked(IReadOnlyList<DiscoveredInterface> scan)
    {
        TimeSpan now = Now;
        var added = new List<DiscoveredInterface>();
        var transitions = new List<TrackerTransition>();
        _controller.ApplyScan(now, scan, added, transitions);
        foreach (TrackerTransition vanished in transitions)
        {
            if (_loops.Remove(vanished.Interface, out ProbeLoop? loop))
            {
                loop.Stop();
            }

            BackhaulLog.InterfaceVanished(_logger, vanished.Interface);
        }

        PublishTransitionsLocked(transitions);
        foreach (DiscoveredInterface info in added)
        {
            BackhaulLog.InterfaceDiscovered(_logger, info.Name, info.Kind, info.Index);
            if (_loops.Remove(info.Name, out ProbeLoop? old))
            {
                old.Stop();
            }

            var loop = new ProbeLoop(this, info.Name);
            _loops[info.Name] = loop;
            TimeSpan interval = _options.Probes.Interval;
            TimeSpan firstDelay = TimeSpan.FromTicks((long)(interval.Ticks * _options.Probes.StartJitter * NextJitter()));
            loop.Timer = _time.CreateTimer(static state => ((ProbeLoop)state!).Owner.OnProbeTimer((ProbeLoop)state!), loop, firstDelay, interval);
        }

        return EvaluateLocked();
    }

    // Stops every loop; returns what to await before routing is cleaned up: running rounds and a scan.
    private List<Task> StopProbeLoopsLocked()
    {
        foreach (ProbeLoop loop in _loops.Values)
        {
            loop.Stop();
        }

        _loops.Clear();
        var pending = new List<Task>(2);
        if (_activeRounds > 0)
        {
            _roundsDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pending.Add(_roundsDrained.Task);
        }

        if (_scanning)
        {
            _scanDrained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            pending.Add(_scanDrained.Task);
        }

        return pending;
    }

    private void OnProbeTimer(ProbeLoop loop)
    {
        DiscoveredInterface info;
        lock (_gate)
        {
            if (_state != RunState.Started || loop.Stopped || loop.Running)
            {
                return; // A round never overlaps the previous one on the same interface.
            }

            if (!_controller.TryGet(loop.Name, out InterfaceTracker tracker) || !tracker.Info.IsLinkUp)
            {
                // A link that is down produces no evidence; its state follows the link signal.
                return;
            }

            info = tracker.Info;
            loop.Running = true;
            _activeRounds++;
        }

        _ = RunRoundAsync(loop, info);
    }

    private async Task RunRoundAsync(ProbeLoop loop, DiscoveredInterface info)
    {
        try
        {
            await RunRoundCoreAsync(info).ConfigureAwait(false);
        }
        finally
        {
            TaskCompletionSource? drained = null;
            lock (_gate)
            {
                loop.Running = false;
                if (--_activeRounds == 0)
                {
                    drained = _roundsDrained;
                    _roundsDrained = null;
                }
            }

            drained?.TrySetResult();
        }
    }

    private async Task RunRoundCoreAsync(DiscoveredInterface info)
    {
        var attempts = new List<ValueTask<BackhaulProbeResult>>(_targets.Length);
        foreach (BackhaulProbeTarget target in _targets)
        {
            if (info.SourceAddress(target.EndPoint.AddressFamily) is not { } source)
            {
                continue; // No source of the target's family: the target does not apply to this interface.
            }

            attempts.Add(ProbeOnceAsync(info, source, target));
        }

        var results = new BackhaulProbeResult[attempts.Count];
        for (int i = 0; i < attempts.Count; i++)
        {
            results[i] = await attempts[i].ConfigureAwait(false);
        }

        SwitchDecision? decision;
        lock (_gate)
        {
            if (_state != RunState.Started || !_controller.RecordRound(info.Name, results))
            {
                return;
            }

            decision = EvaluateLocked();
        }

        AfterEvaluation(decision);
    }

    private async ValueTask<BackhaulProbeResult> ProbeOnceAsync(DiscoveredInterface info, IPAddress source, BackhaulProbeTarget target)
    {
        IBackhaulProbe probe = _probes[target.Probe];
        string name = info.Name;
        var context = new BackhaulProbeContext(
            name,
            info.Index,
            source,
            target,
            _options.Probes.Timeout,
            _time,
            NextNonce,
            (family, socketType, protocolType) => CreateBoundSocket(name, source, family, socketType, protocolType));
        using var timeout = new CancellationTokenSource(_options.Probes.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _shutdown.Token);
        BackhaulProbeResult result;
        try
        {
            result = await probe.ProbeAsync(context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            result = BackhaulProbeResult.Failure("timeout");
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            result = BackhaulProbeResult.Failure("shutdown");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A probe that cannot run at all (or a custom probe that throws) is a failed attempt.
            BackhaulLog.ProbeError(_logger, probe.Name, name, ex);
            result = BackhaulProbeResult.Failure(ex.Message.Length > 0 ? ex.Message : ex.GetType().Name);
        }

        _metrics.ProbeCompleted(name, probe.Name, result);
        if (!result.Succeeded)
        {
            BackhaulLog.ProbeFailed(_logger, probe.Name, target.EndPoint.ToString(), name, result.Error ?? "failed");
        }

        return result;
    }

    private void OnDeadline()
    {
        SwitchDecision? decision;
        lock (_gate)
        {
            if (_state != RunState.Started)
            {
                return;
            }

            decision = EvaluateLocked();
        }

        AfterEvaluation(decision);
    }

    private sealed class ProbeLoop
    {
        public ProbeLoop(BackhaulManager owner, string name)
        {
            Owner = owner;
            Name = name;
        }

        public BackhaulManager Owner { get; }

        public string Name { get; }

        public ITimer? Timer { get; set; }

        public bool Running { get; set; }

        public bool Stopped { get; private set; }

        public void Stop()
        {
            Stopped = true;
            Timer?.Dispose();
        }
    }
}
