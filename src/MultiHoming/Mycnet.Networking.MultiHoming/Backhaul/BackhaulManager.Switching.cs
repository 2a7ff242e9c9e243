using System.Diagnostics;

namespace Mycnet.Networking.MultiHoming.Backhaul;

// Evaluation and switching. Evaluation runs under the lock and yields at most one switch at a time; the
// switch runs outside the lock (commands take milliseconds), then reports back and re-evaluates, so a
// change that happened meanwhile is acted on at once.
public sealed partial class BackhaulManager
{
    private readonly Queue<BackhaulSwitchRecord> _history;
    private bool _switchInFlight;
    private TaskCompletionSource? _switchDone;

    // Runs the state machines and selection; publishes transitions; re-arms the deadline timer.
    private SwitchDecision? EvaluateLocked()
    {
        TimeSpan now = Now;
        var transitions = new List<TrackerTransition>();
        _controller.EvaluateStates(now, transitions);
        PublishTransitionsLocked(transitions);
        SwitchDecision? decision = null;
        if (!_switchInFlight && _state == RunState.Started)
        {
            decision = _controller.Select(now);
            if (decision is not null)
            {
                _switchInFlight = true;
                _switchDone ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        TimeSpan next = _controller.NextDeadline(now);
        if (next == TimeSpan.MaxValue)
        {
            _deadlineTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        else
        {
            TimeSpan due = next - now;
            _deadlineTimer?.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }

        return decision;
    }

    private void PublishTransitionsLocked(List<TrackerTransition> transitions)
    {
        if (transitions.Count == 0)
        {
            return;
        }

        DateTimeOffset timestamp = _time.GetUtcNow();
        foreach (TrackerTransition item in transitions)
        {
            StateTransition t = item.Transition;
            _metrics.LeftState(item.Interface, t.From, t.TimeInPreviousState);
            BackhaulLog.StateChanged(_logger, item.Interface, t.From, t.To, t.Reason, t.TimeInPreviousState.TotalSeconds);
            EnqueueLocked(new BackhaulStateChanged(timestamp, item.Interface, t.From, t.To, t.Reason));
        }
    }

    // Called outside the lock after every evaluation: delivers notifications, then starts the switch.
    private void AfterEvaluation(SwitchDecision? decision)
    {
        DrainNotifications();
        if (decision is { } start)
        {
            _ = RunSwitchAsync(start);
        }
    }

    private async Task RunSwitchAsync(SwitchDecision decision)
    {
        SwitchDecision? next = decision;
        try
        {
            while (next is { } current)
            {
                next = await SwitchOnceAsync(current).ConfigureAwait(false);
                DrainNotifications();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing above should throw (routing failures come back as results); if something does, the
            // manager must not stay stuck with a switch "in flight" forever.
            BackhaulLog.SwitchFailed(_logger, "unknown", next?.Target ?? decision.Target, ex);
            TaskCompletionSource? done;
            lock (_gate)
            {
                _switchInFlight = false;
                _controller.FailSwitch(Now);
                done = _switchDone;
                _switchDone = null;
            }

            done?.TrySetResult();
        }
    }

    // Carries out one switch and returns the next one the re-evaluation asks for, if any.
    private async Task<SwitchDecision?> SwitchOnceAsync(SwitchDecision decision)
    {
        RouteBinding? from;
        string? fromName;
        BackhaulSelection? old;
        RouteBinding? to = null;
        BackhaulException? planError = null;
        lock (_gate)
        {
            from = _controller.ActiveBinding;
            fromName = _controller.ActiveName;
            old = fromName is null ? null : SelectionLocked(fromName);
            if (_controller.TryGet(decision.Target, out InterfaceTracker tracker))
            {
                try
                {
                    to = RouteBinding.Create(tracker.Info, _options.Routing.TableBase);
                }
                catch (BackhaulException ex)
                {
                    planError = ex;
                }
            }
            else
            {
                planError = new BackhaulException(BackhaulErrorKind.Routing, $"'{decision.Target}' vanished before the switch.");
            }
        }

        long started = _time.GetTimestamp();
        RouteTransactionResult result;
        IReadOnlyList<RouteStep> plan = [];
        if (planError is not null || to is null)
        {
            result = new RouteTransactionResult(false, [], [], planError, RollbackFailed: false);
        }
        else
        {
            try
            {
                plan = RoutePlanner.PlanSwitch(from, to, _options.Routing.RulePriority);
            }
            catch (BackhaulException ex)
            {
                planError = ex;
            }

            if (planError is not null)
            {
                result = new RouteTransactionResult(false, [], [], planError, RollbackFailed: false);
            }
            else if (_options.Routing.DryRun)
            {
                result = new RouteTransactionResult(true, [.. plan.Select(step => step.Command)], [], Error: null, RollbackFailed: false);
            }
            else
            {
                foreach (RouteStep step in plan)
                {
                    BackhaulLog.RouteCommand(_logger, step.Command);
                }

                result = await RouteTransaction.RunAsync(plan, _executor, OnCommandSkipped, CancellationToken.None).ConfigureAwait(false);
            }
        }

        TimeSpan duration = _time.GetElapsedTime(started);
        SwitchDecision? next;
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            TimeSpan now = Now;
            DateTimeOffset timestamp = _time.GetUtcNow();
            var record = new BackhaulSwitchRecord
            {
                Timestamp = timestamp,
                From = fromName,
                To = decision.Target,
                Reason = decision.Reason,
                DryRun = _options.Routing.DryRun,
                Succeeded = result.Succeeded,
                Commands = result.Executed,
                RollbackCommands = result.RolledBack,
                Error = result.Error?.Message,
                Duration = duration,
            };
            AddHistoryLocked(record);
            if (result.Succeeded)
            {
                Debug.Assert(to is not null, "A successful switch has a binding.");
                _controller.CommitSwitch(now, decision.Target, to);
                EnqueueLocked(new BackhaulSwitched(timestamp, old, SelectionLocked(decision.Target), decision.Reason, record));
            }
            else
            {
                _controller.FailSwitch(now);
                EnqueueLocked(new BackhaulSwitchFailed(timestamp, old, decision.Target, decision.Reason, record));
            }

            _switchInFlight = false;
            next = EvaluateLocked();
            if (next is null)
            {
                done = _switchDone;
                _switchDone = null;
            }
        }

        if (result.Succeeded)
        {
            _metrics.Switched(fromName, decision.Target, decision.Reason, duration);
            if (_options.Routing.DryRun)
            {
                BackhaulLog.DryRunSwitch(_logger, fromName ?? "none", decision.Target, decision.Reason, result.Executed.Count);
            }
            else
            {
                BackhaulLog.Switched(_logger, fromName ?? "none", decision.Target, decision.Reason, duration.TotalMilliseconds);
            }
        }
        else
        {
            _metrics.SwitchFailed(fromName, decision.Target, decision.Reason);
            BackhaulLog.SwitchFailed(_logger, fromName ?? "none", decision.Target, result.Error!);
            if (result.RollbackFailed)
            {
                BackhaulLog.RollbackFailed(_logger, fromName ?? "none", decision.Target);
            }
        }

        done?.TrySetResult();
        return next;
    }

    private void AddHistoryLocked(BackhaulSwitchRecord record)
    {
        if (_history.Count == _options.Switching.HistoryCapacity)
        {
            _history.Dequeue();
        }

        _history.Enqueue(record);
    }
}
