namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Hold-downs of the per-interface state machine. A transition is taken only after the condition that
/// calls for it has held without interruption for the transition's hold-down, and only after the
/// interface has spent <see cref="MinTimeInState"/> in its current state.
/// </summary>
public sealed class BackhaulHoldDownOptions
{
    /// <summary>The least time an interface stays in any state.</summary>
    public TimeSpan MinTimeInState { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Up → Degraded.</summary>
    public TimeSpan UpToDegraded { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Up → Down (the link itself went down).</summary>
    public TimeSpan UpToDown { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Degraded → Up.</summary>
    public TimeSpan DegradedToUp { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Degraded → Down.</summary>
    public TimeSpan DegradedToDown { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Down → Probing (a probe round succeeded again).</summary>
    public TimeSpan DownToProbing { get; init; } = TimeSpan.Zero;

    /// <summary>Probing → Up; the hold-down that delays a switch back to a recovered interface.</summary>
    public TimeSpan ProbingToUp { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Probing → Degraded (reachable, but below the quality thresholds).</summary>
    public TimeSpan ProbingToDegraded { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Probing → Down.</summary>
    public TimeSpan ProbingToDown { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// Whether repeated failures lengthen the Probing → Up and Probing → Degraded hold-downs: each entry
    /// into Down within <see cref="FlapWindow"/> beyond the first doubles them, up to <see cref="MaxHoldDown"/>.
    /// </summary>
    public bool FlapDampening { get; init; } = true;

    /// <summary>How far back entries into Down count as flaps.</summary>
    public TimeSpan FlapWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The longest a dampened hold-down grows.</summary>
    public TimeSpan MaxHoldDown { get; init; } = TimeSpan.FromMinutes(2);

    internal void Validate()
    {
        BackhaulManagerOptions.RequireNonNegative(MinTimeInState, "HoldDowns.MinTimeInState");
        BackhaulManagerOptions.RequireNonNegative(UpToDegraded, "HoldDowns.UpToDegraded");
        BackhaulManagerOptions.RequireNonNegative(UpToDown, "HoldDowns.UpToDown");
        BackhaulManagerOptions.RequireNonNegative(DegradedToUp, "HoldDowns.DegradedToUp");
        BackhaulManagerOptions.RequireNonNegative(DegradedToDown, "HoldDowns.DegradedToDown");
        BackhaulManagerOptions.RequireNonNegative(DownToProbing, "HoldDowns.DownToProbing");
        BackhaulManagerOptions.RequireNonNegative(ProbingToUp, "HoldDowns.ProbingToUp");
        BackhaulManagerOptions.RequireNonNegative(ProbingToDegraded, "HoldDowns.ProbingToDegraded");
        BackhaulManagerOptions.RequireNonNegative(ProbingToDown, "HoldDowns.ProbingToDown");
        BackhaulManagerOptions.RequirePositive(FlapWindow, "HoldDowns.FlapWindow");
        BackhaulManagerOptions.RequirePositive(MaxHoldDown, "HoldDowns.MaxHoldDown");
        if (MaxHoldDown < ProbingToUp || MaxHoldDown < ProbingToDegraded)
        {
            throw BackhaulManagerOptions.Invalid("HoldDowns.MaxHoldDown must be at least the Probing hold-downs.");
        }
    }
}
