using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

/// <summary>Every transition of the hold-down state machine, fed health signals at explicit times.</summary>
public sealed class StateMachineTests
{
    private static readonly BackhaulHoldDownOptions HoldDowns = new()
    {
        MinTimeInState = TimeSpan.FromSeconds(1),
        UpToDegraded = TimeSpan.FromSeconds(2),
        UpToDown = TimeSpan.FromSeconds(3),
        DegradedToUp = TimeSpan.FromSeconds(5),
        DegradedToDown = TimeSpan.FromSeconds(2),
        DownToProbing = TimeSpan.FromSeconds(0.5),
        ProbingToUp = TimeSpan.FromSeconds(4),
        ProbingToDegraded = TimeSpan.FromSeconds(6),
        ProbingToDown = TimeSpan.Zero,
        FlapDampening = true,
        FlapWindow = TimeSpan.FromSeconds(100),
        MaxHoldDown = TimeSpan.FromSeconds(20),
    };

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static HealthAssessment Healthy(int successes = 3) => new(HealthSignal.Healthy, BackhaulTransitionReason.Recovered, true, successes);

    private static HealthAssessment Marginal() => new(HealthSignal.Marginal, BackhaulTransitionReason.Recovered, true, 3);

    private static HealthAssessment Lossy() => new(HealthSignal.Degraded, BackhaulTransitionReason.HighLoss, true, 1);

    private static HealthAssessment FailedRounds() => new(HealthSignal.Degraded, BackhaulTransitionReason.ProbeFailures, false, 0);

    private static HealthAssessment Failing() => new(HealthSignal.Failing, BackhaulTransitionReason.ProbeFailures, false, 0);

    private static HealthAssessment LinkDown() => new(HealthSignal.LinkDown, BackhaulTransitionReason.LinkDown, false, 0);

    private static HealthAssessment OneGoodRound() => new(HealthSignal.Degraded, BackhaulTransitionReason.HighLoss, true, 1);

    private static InterfaceStateMachine NewMachine() => new(HoldDowns, upAfterSuccessfulRounds: 3, now: TimeSpan.Zero);

    /// <summary>Drives a machine from Probing to Up (healthy from t=0, Up at t=4).</summary>
    private static InterfaceStateMachine UpMachine()
    {
        InterfaceStateMachine machine = NewMachine();
        Assert.Null(machine.Evaluate(S(0), Healthy()));
        Assert.Equal(BackhaulState.Up, machine.Evaluate(S(4), Healthy())?.To);
        return machine;
    }

    [Fact]
    public void HoldDown_ProbingToUp_NeedsSuccessfulRoundsAndTheHoldDown()
    {
        InterfaceStateMachine machine = NewMachine();
        // Healthy but only two consecutive rounds: nothing pending.
        Assert.Null(machine.Evaluate(S(0), Healthy(successes: 2)));
        Assert.Null(machine.PendingTarget);

        Assert.Null(machine.Evaluate(S(1), Healthy()));
        Assert.Equal(BackhaulState.Up, machine.PendingTarget);
        Assert.Equal(S(5), machine.NextDeadline(S(1)));
        Assert.Null(machine.Evaluate(S(4.99), Healthy()));

        StateTransition? up = machine.Evaluate(S(5), Healthy());
        Assert.Equal(new StateTransition(BackhaulState.Probing, BackhaulState.Up, BackhaulTransitionReason.Recovered, S(5)), up);
        Assert.Equal(TimeSpan.MaxValue, machine.NextDeadline(S(5)));
    }

    [Fact]
    public void HoldDown_ProbingToDegraded_WhenReachableButLossy()
    {
        InterfaceStateMachine machine = NewMachine();
        Assert.Null(machine.Evaluate(S(0), Lossy()));
        Assert.Null(machine.Evaluate(S(5.9), Lossy()));
        Assert.Equal(BackhaulState.Degraded, machine.Evaluate(S(6), Lossy())?.To);
    }

    [Fact]
    public void HoldDown_ProbingToDown_OnFailedRoundsOrLinkDown()
    {
        InterfaceStateMachine failed = NewMachine();
        Assert.Null(failed.Evaluate(S(0.5), FailedRounds())); // minimum time in Probing not yet spent
        Assert.Equal(S(1), failed.NextDeadline(S(0.5)));
        Assert.Equal(BackhaulState.Down, failed.Evaluate(S(1), FailedRounds())?.To);

        InterfaceStateMachine link = NewMachine();
        StateTransition? down = link.Evaluate(S(2), LinkDown());
        Assert.Equal(BackhaulState.Down, down?.To);
        Assert.Equal(BackhaulTransitionReason.LinkDown, down?.Reason);
    }

    [Fact]
    public void HoldDown_UpToDegraded_NotBeforeTheHoldDown()
    {
        InterfaceStateMachine machine = UpMachine();
        Assert.Null(machine.Evaluate(S(10), Lossy()));
        Assert.Null(machine.Evaluate(S(11.99), Lossy()));
        StateTransition? degraded = machine.Evaluate(S(12), Lossy());
        Assert.Equal(BackhaulState.Degraded, degraded?.To);
        Assert.Equal(BackhaulTransitionReason.HighLoss, degraded?.Reason);
        Assert.Equal(S(8), degraded?.TimeInPreviousState);
    }

    [Fact]
    public void HoldDown_UpToDown_OnlyWhenTheLinkItselfIsDown()
    {
        InterfaceStateMachine machine = UpMachine();
        Assert.Null(machine.Evaluate(S(10), LinkDown()));
        Assert.Null(machine.Evaluate(S(12.9), LinkDown()));
        Assert.Equal(BackhaulState.Down, machine.Evaluate(S(13), LinkDown())?.To);
    }

    [Fact]
    public void HoldDown_UpFailingProbesEscalateThroughDegraded()
    {
        InterfaceStateMachine machine = UpMachine();
        Assert.Null(machine.Evaluate(S(10), Failing()));
        Assert.Equal(BackhaulState.Degraded, machine.PendingTarget);
        Assert.Equal(BackhaulState.Degraded, machine.Evaluate(S(12), Failing())?.To);

        // Degraded → Down: DegradedToDown (2 s) after the failure is still seen in Degraded.
        Assert.Null(machine.Evaluate(S(12), Failing()));
        Assert.Null(machine.Evaluate(S(13.9), Failing()));
        Assert.Equal(BackhaulState.Down, machine.Evaluate(S(14), Failing())?.To);
    }

    [Fact]
    public void HoldDown_DegradedToUp_AfterHoldDown_AndDegradedToDownOnLinkLoss()
    {
        InterfaceStateMachine recovering = UpMachine();
        recovering.Evaluate(S(10), Lossy());
        Assert.Equal(BackhaulState.Degraded, recovering.Evaluate(S(12), Lossy())?.To);
        Assert.Null(recovering.Evaluate(S(13), Healthy()));
        Assert.Null(recovering.Evaluate(S(17.9), Healthy()));
        Assert.Equal(BackhaulState.Up, recovering.Evaluate(S(18), Healthy())?.To);

        InterfaceStateMachine failing = UpMachine();
        failing.Evaluate(S(10), Lossy());
        failing.Evaluate(S(12), Lossy());
        Assert.Null(failing.Evaluate(S(13), LinkDown()));
        StateTransition? down = failing.Evaluate(S(15), LinkDown());
        Assert.Equal(BackhaulState.Down, down?.To);
        Assert.Equal(BackhaulTransitionReason.LinkDown, down?.Reason);
    }

    [Fact]
    public void HoldDown_DownToProbing_OnAnAnsweredRound()
    {
        InterfaceStateMachine machine = NewMachine();
        Assert.Equal(BackhaulState.Down, machine.Evaluate(S(1), LinkDown())?.To);
        // Still no answer, or the link still down: stays Down.
        Assert.Null(machine.Evaluate(S(5), FailedRounds()));
        Assert.Null(machine.Evaluate(S(6), LinkDown()));
        // An answered round: Probing after DownToProbing (0.5 s).
        Assert.Null(machine.Evaluate(S(7), OneGoodRound()));
        Assert.Equal(BackhaulState.Probing, machine.Evaluate(S(7.5), OneGoodRound())?.To);
    }

    [Fact]
    public void Hysteresis_PendingTransitionIsDroppedWhenTheConditionClears()
    {
        InterfaceStateMachine machine = UpMachine();
        Assert.Null(machine.Evaluate(S(10), Lossy()));
        Assert.Null(machine.Evaluate(S(11), Marginal())); // inside the band: the pending Degraded is dropped
        Assert.Null(machine.PendingTarget);
        Assert.Null(machine.Evaluate(S(12), Lossy()));    // the hold-down starts again from here
        Assert.Null(machine.Evaluate(S(13.9), Lossy()));
        Assert.Equal(BackhaulState.Degraded, machine.Evaluate(S(14), Lossy())?.To);
    }

    [Fact]
    public void Hysteresis_MarginalBandKeepsEitherState()
    {
        InterfaceStateMachine up = UpMachine();
        Assert.Null(up.Evaluate(S(100), Marginal()));
        Assert.Equal(BackhaulState.Up, up.State);

        InterfaceStateMachine degraded = UpMachine();
        degraded.Evaluate(S(10), Lossy());
        degraded.Evaluate(S(12), Lossy());
        Assert.Null(degraded.Evaluate(S(13), Marginal()));
        Assert.Null(degraded.Evaluate(S(100), Marginal())); // recovering needs Healthy, not merely "not degraded"
        Assert.Equal(BackhaulState.Degraded, degraded.State);
    }

    [Fact]
    public void MinTimeInState_HoldsEvenAZeroHoldDownTransition()
    {
        InterfaceStateMachine machine = NewMachine();
        Assert.Equal(BackhaulState.Down, machine.Evaluate(S(3), LinkDown())?.To);
        // DownToProbing is 0.5 s, but Down was entered at t=3 and must last 1 s.
        Assert.Null(machine.Evaluate(S(3.2), OneGoodRound()));
        Assert.Equal(S(4), machine.NextDeadline(S(3.2)));
        Assert.Null(machine.Evaluate(S(3.99), OneGoodRound()));
        Assert.Equal(BackhaulState.Probing, machine.Evaluate(S(4), OneGoodRound())?.To);
    }

    [Fact]
    public void Flap_DampeningDoublesProbingHoldDownsPerRecentDown_CappedAtMax()
    {
        InterfaceStateMachine machine = NewMachine();
        TimeSpan now = S(0);
        for (int flap = 1; flap <= 4; flap++)
        {
            now += S(2);
            Assert.Equal(BackhaulState.Down, machine.Evaluate(now, LinkDown())?.To);
            now += S(2);
            machine.Evaluate(now, OneGoodRound());
            Assert.Equal(BackhaulState.Probing, machine.Evaluate(now + S(0.5), OneGoodRound())?.To);
            now += S(0.5);
            Assert.Equal(flap, machine.RecentDownEntries(now));
            TimeSpan expected = flap switch { 1 => S(4), 2 => S(8), 3 => S(16), _ => S(20) };
            Assert.Equal(expected, machine.HoldDown(BackhaulState.Probing, BackhaulState.Up, now));
        }

        // The flaps age out of the window and the hold-down returns to its base.
        Assert.Equal(S(4), machine.HoldDown(BackhaulState.Probing, BackhaulState.Up, now + S(101)));
    }

    [Fact]
    public void Flap_WithoutDampeningTheHoldDownStaysFixed()
    {
        var holdDowns = new BackhaulHoldDownOptions { FlapDampening = false, ProbingToUp = S(4), MinTimeInState = TimeSpan.Zero, DownToProbing = TimeSpan.Zero };
        var machine = new InterfaceStateMachine(holdDowns, 3, TimeSpan.Zero);
        for (int i = 0; i < 5; i++)
        {
            machine.Evaluate(S(i * 10), LinkDown());
            machine.Evaluate(S((i * 10) + 1), OneGoodRound());
        }

        Assert.Equal(S(4), machine.HoldDown(BackhaulState.Probing, BackhaulState.Up, S(50)));
    }
}
