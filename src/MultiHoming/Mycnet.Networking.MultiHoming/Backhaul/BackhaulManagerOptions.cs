namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Settings of a <see cref="BackhaulManager"/>, grouped by concern. Properties are init-only; lists are
/// copied when the manager is constructed, so later changes to them have no effect.
/// <see cref="Validate"/> runs in the manager's constructor and names the first invalid setting.
/// </summary>
public sealed class BackhaulManagerOptions
{
    /// <summary>Which interfaces are considered and how they are classified.</summary>
    public BackhaulDiscoveryOptions Discovery { get; init; } = new();

    /// <summary>Probe targets, cadence and the thresholds that turn probe results into health.</summary>
    public BackhaulProbeOptions Probes { get; init; } = new();

    /// <summary>How an interface's score is computed.</summary>
    public BackhaulScoringOptions Scoring { get; init; } = new();

    /// <summary>Hold-downs of the per-interface state machine.</summary>
    public BackhaulHoldDownOptions HoldDowns { get; init; } = new();

    /// <summary>When the active backhaul may change.</summary>
    public BackhaulSwitchingOptions Switching { get; init; } = new();

    /// <summary>The policy-routing tables and rules the manager maintains.</summary>
    public BackhaulRoutingOptions Routing { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        BackhaulManagerOptions.RequireNotNull(Discovery, "Discovery");
        BackhaulManagerOptions.RequireNotNull(Probes, "Probes");
        BackhaulManagerOptions.RequireNotNull(Scoring, "Scoring");
        BackhaulManagerOptions.RequireNotNull(HoldDowns, "HoldDowns");
        BackhaulManagerOptions.RequireNotNull(Switching, "Switching");
        BackhaulManagerOptions.RequireNotNull(Routing, "Routing");
        Discovery.Validate();
        Probes.Validate();
        Scoring.Validate();
        HoldDowns.Validate();
        Switching.Validate();
        Routing.Validate();
    }

    // Every validation failure names the setting in its message and reports the options object as the
    // invalid argument (it is the 'options' parameter of the BackhaulManager constructor).
#pragma warning disable MA0015 // The argument is the options object passed to the manager, not a parameter of this helper.
    internal static ArgumentException Invalid(string message) => new(message, "options");
#pragma warning restore MA0015

    internal static void RequireNotNull(object? value, string name)
    {
        if (value is null)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must not be null.");
        }
    }

    internal static void RequireAtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must be at least {minimum} (was {value}).");
        }
    }

    internal static void RequireAtMost(int value, int maximum, string name)
    {
        if (value > maximum)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must be at most {maximum} (was {value}).");
        }
    }

    internal static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must be positive (was {value}).");
        }
    }

    internal static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must not be negative (was {value}).");
        }
    }

    internal static void RequireFraction(double value, string name)
    {
        if (double.IsNaN(value) || value < 0 || value > 1)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must be within [0, 1] (was {value}).");
        }
    }
}
