namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// The decision core of the backhaul manager: interface trackers, state evaluation and selection.
/// </summary>
/// <remarks>
/// Design: deterministic and free of I/O. Time is a value passed in (time since the manager started);
/// inputs are scans, probe rounds, overrides and switch outcomes; outputs are state transitions and at
/// most one switch decision at a time, which the manager carries out and reports back with
/// <see cref="CommitSwitch"/> or <see cref="FailSwitch"/>. Not thread-safe: the manager calls it under
/// its lock.
///
/// Selection: candidates are Up or Degraded, operational and not excluded; a forced interface
/// wins whenever it is eligible; otherwise Up beats Degraded, then the higher score, then the priority
/// order, then the name. The first pick waits for an interface preferred by policy that is still
/// coming up (see <see cref="BetterOneComingUp"/>). A failover (active interface no longer eligible, vanished or excluded) is
/// immediate. A preference switch away from a working interface needs a better state or a score lead
/// of the switch margin, and the minimum switch interval since the last switch. The active interface
/// stays while its state is Up or Degraded, even if its link is already down: the state machine's
/// hold-down decides when that becomes a failover. When nothing is
/// eligible the active interface is kept, so its routing stays in place.
/// </remarks>
internal sealed class BackhaulController
{
    private readonly Dictionary<string, InterfaceTracker> _trackers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BackhaulOverride> _overrides = new(StringComparer.Ordinal);
    private readonly BackhaulProbeOptions _probes;
    private readonly BackhaulHoldDownOptions _holdDowns;
    private readonly BackhaulSwitchingOptions _switching;
    private readonly BackhaulScorer _scorer;
    private InterfaceTracker[] _ordered = [];
    private bool _hasSwitched;
    private TimeSpan _lastSwitchAt;
    private TimeSpan _retryAt = TimeSpan.MinValue;

    public BackhaulController(BackhaulManagerOptions options)
    {
        _probes = options.Probes;
        _holdDowns = options.HoldDowns;
        _switching = options.Switching;
        _scorer = new BackhaulScorer(options.Scoring);
    }

    /// <summary>The active interface, if any.</summary>
    public string? ActiveName { get; private set; }

    /// <summary>The routing applied (or, in a dry run, planned) for the active interface.</summary>
    public RouteBinding? ActiveBinding { get; private set; }

    /// <summary>Trackers in name order.</summary>
    public IReadOnlyList<InterfaceTracker> Trackers => _ordered;

    public bool TryGet(string name, out InterfaceTracker tracker) => _trackers.TryGetValue(name, out tracker!);

    /// <summary>Merges a scan: new interfaces start in Probing, known ones get fresh link data, missing ones are dropped.</summary>
    public void ApplyScan(TimeSpan now, IReadOnlyList<DiscoveredInterface> scan, List<DiscoveredInterface> added, List<TrackerTransition> transitions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (DiscoveredInterface info in scan)
        {
            if (!seen.Add(info.Name))
            {
                continue;
            }

            if (_trackers.TryGetValue(info.Name, out InterfaceTracker? tracker) && tracker.Info.Index == info.Index)
            {
                tracker.Info = info;
                continue;
            }

            if (tracker is not null)
            {
                // Same name, new index: the device was recreated; treat it as a new interface.
                transitions.Add(new TrackerTransition(info.Name, new StateTransition(tracker.State, BackhaulState.Down, BackhaulTransitionReason.Vanished, now - tracker.Machine.EnteredAt)));
            }

            _trackers[info.Name] = new InterfaceTracker(info, _probes, _holdDowns, now);
            added.Add(info);
        }

        foreach (InterfaceTracker tracker in _ordered)
        {
            if (!seen.Contains(tracker.Name))
            {
                _trackers.Remove(tracker.Name);
                transitions.Add(new TrackerTransition(tracker.Name, new StateTransition(tracker.State, BackhaulState.Down, BackhaulTransitionReason.Vanished, now - tracker.Machine.EnteredAt)));
            }
        }

        _ordered = [.. _trackers.Values.OrderBy(t => t.Name, StringComparer.Ordinal)];
    }

    /// <summary>Adds a probe round to an interface; false when the interface is no longer known.</summary>
    public bool RecordRound(string name, ReadOnlySpan<BackhaulProbeResult> results)
    {
        if (!_trackers.TryGetValue(name, out InterfaceTracker? tracker))
        {
            return false;
        }

        tracker.Statistics.RecordRound(results);
        return true;
    }

    /// <summary>Runs every state machine against the current evidence.</summary>
    public void EvaluateStates(TimeSpan now, List<TrackerTransition> transitions)
    {
        foreach (InterfaceTracker tracker in _ordered)
        {
            // A transition can make another one due at once when hold-downs are zero; bound the chain.
            for (int i = 0; i < 4; i++)
            {
                HealthAssessment health = HealthAssessment.Assess(tracker.Info, tracker.Statistics, _probes);
                if (tracker.Machine.Evaluate(now, health) is not { } transition)
                {
                    break;
                }

                // Down and Probing both judge what happens next on evidence gathered after entering them.
                if (transition.To is BackhaulState.Probing or BackhaulState.Down)
                {
                    tracker.Statistics.Reset();
                }

                transitions.Add(new TrackerTransition(tracker.Name, transition));
            }
        }
    }

    /// <summary>The switch to make now, if any.</summary>
    public SwitchDecision? Select(TimeSpan now)
    {
        if (now < _retryAt)
        {
            return null;
        }

        InterfaceTracker? forced = null;
        InterfaceTracker? best = null;
        foreach (InterfaceTracker tracker in _ordered)
        {
            if (!IsEligible(tracker))
            {
                continue;
            }

            BackhaulOverride mode = GetOverride(tracker.Name);
            if (mode == BackhaulOverride.Force)
            {
                forced = tracker;
            }

            if (mode != BackhaulOverride.Exclude && (best is null || IsBetter(tracker, best)))
            {
                best = tracker;
            }
        }

        InterfaceTracker? target = forced ?? best;
        if (target is null)
        {
            return null;
        }

        if (ActiveName is null)
        {
            return BetterOneComingUp(target) ? null : new SwitchDecision(target.Name, BackhaulSwitchReason.Initial);
        }

        if (!_trackers.TryGetValue(ActiveName, out InterfaceTracker? current))
        {
            return new SwitchDecision(target.Name, BackhaulSwitchReason.Vanished);
        }

        if (ReferenceEquals(target, current))
        {
            return null;
        }

        if (GetOverride(current.Name) == BackhaulOverride.Exclude || forced is not null)
        {
            return new SwitchDecision(target.Name, BackhaulSwitchReason.Override);
        }

        // The active interface is judged by its state alone: a link that just lost carrier stays active
        // until its Up → Down hold-down has passed, so a short blip does not move traffic.
        if (current.State is not (BackhaulState.Up or BackhaulState.Degraded))
        {
            return new SwitchDecision(target.Name, BackhaulSwitchReason.Failover);
        }

        if (_hasSwitched && now - _lastSwitchAt < _switching.MinSwitchInterval)
        {
            return null;
        }

        int targetRank = Rank(target.State);
        int currentRank = Rank(current.State);
        if (targetRank > currentRank || (targetRank == currentRank && Score(target) >= Score(current) + _switching.SwitchMargin))
        {
            return new SwitchDecision(target.Name, BackhaulSwitchReason.Preferred);
        }

        return null;
    }

    /// <summary>The next time an evaluation could change something without new evidence.</summary>
    public TimeSpan NextDeadline(TimeSpan now)
    {
        TimeSpan next = TimeSpan.MaxValue;
        foreach (InterfaceTracker tracker in _ordered)
        {
            TimeSpan due = tracker.Machine.NextDeadline(now);
            if (due < next)
            {
                next = due;
            }
        }

        if (_retryAt > now && _retryAt < next)
        {
            next = _retryAt;
        }

        if (_hasSwitched)
        {
            TimeSpan switchAllowed = _lastSwitchAt + _switching.MinSwitchInterval;
            if (switchAllowed > now && switchAllowed < next)
            {
                next = switchAllowed;
            }
        }

        return next;
    }

    public void CommitSwitch(TimeSpan now, string target, RouteBinding binding)
    {
        ActiveName = target;
        ActiveBinding = binding;
        _hasSwitched = true;
        _lastSwitchAt = now;
        _retryAt = TimeSpan.MinValue;
    }

    public void FailSwitch(TimeSpan now) => _retryAt = now + _switching.RetryDelay;

    /// <summary>Forgets the active binding after its routing was removed (shutdown).</summary>
    public void ClearActiveBinding() => ActiveBinding = null;

    public BackhaulOverride GetOverride(string name) =>
        _overrides.TryGetValue(name, out BackhaulOverride mode) ? mode : BackhaulOverride.None;

    /// <summary>Sets an override; forcing one interface clears the force on any other.</summary>
    public void SetOverride(string name, BackhaulOverride mode)
    {
        if (mode == BackhaulOverride.Force)
        {
            foreach (string other in _overrides.Where(pair => pair.Value == BackhaulOverride.Force).Select(pair => pair.Key).ToList())
            {
                _overrides.Remove(other);
            }
        }

        if (mode == BackhaulOverride.None)
        {
            _overrides.Remove(name);
        }
        else
        {
            _overrides[name] = mode;
        }
    }

    public double Score(InterfaceTracker tracker) => _scorer.Score(tracker.Statistics, tracker.Name, tracker.Info.Kind);

    /// <summary>Whether an interface can be switched to: Up or Degraded, with its link up and a usable address.</summary>
    public static bool IsEligible(InterfaceTracker tracker) =>
        tracker.State is BackhaulState.Up or BackhaulState.Degraded && tracker.Info.IsOperational;

    // At start all interfaces race through Probing; one that is preferred by policy but a few
    // milliseconds behind would otherwise cost a second switch right after the first. The initial pick
    // waits while such an interface is still on its way up: Probing, link up, and no failed round. The
    // wait ends by itself within one hold-down (it goes Up, Degraded or Down).
    private bool BetterOneComingUp(InterfaceTracker target)
    {
        if (GetOverride(target.Name) == BackhaulOverride.Force)
        {
            return false;
        }

        int targetRank = _scorer.PriorityRank(target.Name, target.Info.Kind);
        foreach (InterfaceTracker tracker in _ordered)
        {
            if (tracker.State == BackhaulState.Probing
                && tracker.Info.IsOperational
                && GetOverride(tracker.Name) != BackhaulOverride.Exclude
                && (tracker.Statistics.RoundCount == 0 || tracker.Statistics.LastRoundSucceeded)
                && _scorer.PriorityRank(tracker.Name, tracker.Info.Kind) < targetRank)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsBetter(InterfaceTracker candidate, InterfaceTracker incumbent)
    {
        int rank = Rank(candidate.State).CompareTo(Rank(incumbent.State));
        if (rank != 0)
        {
            return rank > 0;
        }

        int score = Score(candidate).CompareTo(Score(incumbent));
        if (score != 0)
        {
            return score > 0;
        }

        int priority = _scorer.PriorityRank(candidate.Name, candidate.Info.Kind).CompareTo(_scorer.PriorityRank(incumbent.Name, incumbent.Info.Kind));
        return priority != 0 ? priority < 0 : string.CompareOrdinal(candidate.Name, incumbent.Name) < 0;
    }

    private static int Rank(BackhaulState state) => state switch
    {
        BackhaulState.Up => 2,
        BackhaulState.Degraded => 1,
        _ => 0,
    };
}
