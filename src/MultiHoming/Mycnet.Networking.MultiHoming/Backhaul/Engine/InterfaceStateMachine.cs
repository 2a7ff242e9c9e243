namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>A state change the machine took.</summary>
internal readonly record struct StateTransition(
    BackhaulState From,
    BackhaulState To,
    BackhaulTransitionReason Reason,
    TimeSpan TimeInPreviousState);

/// <summary>
/// The hold-down state machine of one interface: Probing, Up, Degraded, Down.
/// </summary>
/// <remarks>
/// Design: each evaluation maps (state, health signal) to a desired target state or none. A desired
/// target becomes a pending transition stamped with the time it was first wanted; it is taken once it
/// has been wanted without interruption for the transition's hold-down and the interface has spent the
/// minimum time in its state. Any evaluation that no longer wants that target drops the pending
/// transition, which with the hysteresis band of the health signal is what stops flapping.
///
/// Transitions (hold-down in brackets):
/// <list type="bullet">
/// <item>Probing → Up after N consecutive healthy rounds [ProbingToUp, dampened]; → Degraded when rounds
/// answer but quality is below the thresholds [ProbingToDegraded, dampened]; → Down on failed rounds or
/// a down link [ProbingToDown].</item>
/// <item>Up → Degraded on any degraded or failing signal [UpToDegraded]; → Down only when the link
/// itself is down [UpToDown]. Probe failures thus escalate through Degraded.</item>
/// <item>Degraded → Up when healthy again [DegradedToUp]; → Down when failing or the link is down
/// [DegradedToDown].</item>
/// <item>Down → Probing when a round answers on a working link [DownToProbing].</item>
/// </list>
/// Entering Down or Probing resets the statistics (the controller does it), so recovery is judged only
/// on evidence gathered after the failure. With flap
/// dampening each entry into Down within the flap window beyond the first doubles the Probing hold-downs.
/// </remarks>
internal sealed class InterfaceStateMachine
{
    private readonly BackhaulHoldDownOptions _holdDowns;
    private readonly int _upAfterSuccessfulRounds;
    private readonly Queue<TimeSpan> _downEntries = new();
    private bool _hasPending;
    private BackhaulState _pendingTarget;
    private TimeSpan _pendingSince;
    private BackhaulTransitionReason _pendingReason;

    public InterfaceStateMachine(BackhaulHoldDownOptions holdDowns, int upAfterSuccessfulRounds, TimeSpan now)
    {
        _holdDowns = holdDowns;
        _upAfterSuccessfulRounds = upAfterSuccessfulRounds;
        State = BackhaulState.Probing;
        EnteredAt = now;
    }

    public BackhaulState State { get; private set; }

    public TimeSpan EnteredAt { get; private set; }

    /// <summary>The pending target, if a transition is waiting out its hold-down.</summary>
    public BackhaulState? PendingTarget => _hasPending ? _pendingTarget : null;

    /// <summary>Entries into Down within the flap window ending at <paramref name="now"/>.</summary>
    public int RecentDownEntries(TimeSpan now)
    {
        Prune(now);
        return _downEntries.Count;
    }

    /// <summary>Feeds the current health; returns the transition taken, if any.</summary>
    public StateTransition? Evaluate(TimeSpan now, HealthAssessment health)
    {
        (BackhaulState Target, BackhaulTransitionReason Reason)? desired = Desired(health);
        if (desired is not { } want)
        {
            _hasPending = false;
            return null;
        }

        if (!_hasPending || _pendingTarget != want.Target)
        {
            _hasPending = true;
            _pendingTarget = want.Target;
            _pendingSince = now;
        }

        _pendingReason = want.Reason;
        if (now < DueAt(now))
        {
            return null;
        }

        return Enter(now, _pendingTarget, _pendingReason);
    }

    /// <summary>When the pending transition falls due, or <see cref="TimeSpan.MaxValue"/> if none is pending.</summary>
    public TimeSpan NextDeadline(TimeSpan now) => _hasPending ? DueAt(now) : TimeSpan.MaxValue;

    /// <summary>The hold-down of a transition at <paramref name="now"/>, with flap dampening applied.</summary>
    public TimeSpan HoldDown(BackhaulState from, BackhaulState to, TimeSpan now) => (from, to) switch
    {
        (BackhaulState.Up, BackhaulState.Degraded) => _holdDowns.UpToDegraded,
        (BackhaulState.Up, BackhaulState.Down) => _holdDowns.UpToDown,
        (BackhaulState.Degraded, BackhaulState.Up) => _holdDowns.DegradedToUp,
        (BackhaulState.Degraded, BackhaulState.Down) => _holdDowns.DegradedToDown,
        (BackhaulState.Down, BackhaulState.Probing) => _holdDowns.DownToProbing,
        (BackhaulState.Probing, BackhaulState.Up) => Dampened(_holdDowns.ProbingToUp, now),
        (BackhaulState.Probing, BackhaulState.Degraded) => Dampened(_holdDowns.ProbingToDegraded, now),
        (BackhaulState.Probing, BackhaulState.Down) => _holdDowns.ProbingToDown,
        _ => throw new InvalidOperationException($"No transition {from} → {to}."),
    };

    private (BackhaulState, BackhaulTransitionReason)? Desired(HealthAssessment health)
    {
        switch (State)
        {
            case BackhaulState.Up:
                return health.Signal switch
                {
                    HealthSignal.LinkDown => (BackhaulState.Down, BackhaulTransitionReason.LinkDown),
                    HealthSignal.Failing or HealthSignal.Degraded => (BackhaulState.Degraded, health.Reason),
                    _ => null,
                };
            case BackhaulState.Degraded:
                return health.Signal switch
                {
                    HealthSignal.LinkDown => (BackhaulState.Down, BackhaulTransitionReason.LinkDown),
                    HealthSignal.Failing => (BackhaulState.Down, health.Reason),
                    HealthSignal.Healthy => (BackhaulState.Up, BackhaulTransitionReason.Recovered),
                    _ => null,
                };
            case BackhaulState.Probing:
                return health.Signal switch
                {
                    HealthSignal.LinkDown => (BackhaulState.Down, BackhaulTransitionReason.LinkDown),
                    HealthSignal.Failing => (BackhaulState.Down, health.Reason),
                    HealthSignal.Degraded when health.Reason == BackhaulTransitionReason.ProbeFailures => (BackhaulState.Down, health.Reason),
                    HealthSignal.Degraded when health.LastRoundSucceeded => (BackhaulState.Degraded, health.Reason),
                    HealthSignal.Healthy when health.ConsecutiveSuccessfulRounds >= _upAfterSuccessfulRounds => (BackhaulState.Up, BackhaulTransitionReason.Recovered),
                    _ => null,
                };
            default:
                return health.Signal is not (HealthSignal.LinkDown or HealthSignal.NoData) && health.LastRoundSucceeded
                    ? (BackhaulState.Probing, BackhaulTransitionReason.ProbeSucceeded)
                    : null;
        }
    }

    private TimeSpan DueAt(TimeSpan now)
    {
        TimeSpan holdDownDue = Add(_pendingSince, HoldDown(State, _pendingTarget, now));
        TimeSpan minimumDue = Add(EnteredAt, _holdDowns.MinTimeInState);
        return holdDownDue > minimumDue ? holdDownDue : minimumDue;
    }

    private StateTransition Enter(TimeSpan now, BackhaulState target, BackhaulTransitionReason reason)
    {
        var transition = new StateTransition(State, target, reason, now - EnteredAt);
        State = target;
        EnteredAt = now;
        _hasPending = false;
        if (target == BackhaulState.Down)
        {
            _downEntries.Enqueue(now);
            Prune(now);
        }

        return transition;
    }

    private TimeSpan Dampened(TimeSpan holdDown, TimeSpan now)
    {
        if (!_holdDowns.FlapDampening)
        {
            return holdDown;
        }

        int flaps = RecentDownEntries(now);
        if (flaps <= 1)
        {
            return holdDown;
        }

        TimeSpan cap = _holdDowns.MaxHoldDown;
        TimeSpan result = holdDown;
        for (int i = 1; i < flaps && result < cap; i++)
        {
            result = result > cap / 2 ? cap : result * 2;
        }

        return result < cap ? result : cap;
    }

    private void Prune(TimeSpan now)
    {
        while (_downEntries.Count > 0 && now - _downEntries.Peek() > _holdDowns.FlapWindow)
        {
            _downEntries.Dequeue();
        }
    }

    private static TimeSpan Add(TimeSpan a, TimeSpan b) => a.Ticks > TimeSpan.MaxValue.Ticks - b.Ticks ? TimeSpan.MaxValue : a + b;
}
