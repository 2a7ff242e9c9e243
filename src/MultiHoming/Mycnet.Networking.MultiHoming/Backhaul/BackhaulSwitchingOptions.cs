namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>When the active backhaul may change.</summary>
/// <remarks>
/// A failover (the active interface is no longer Up or Degraded, vanished, or was excluded) happens at
/// once. A preference switch (a better interface exists while the active one still works) needs the
/// candidate to win on state (Up over Degraded) or on score by <see cref="SwitchMargin"/>, and at least
/// <see cref="MinSwitchInterval"/> since the previous switch.
/// </remarks>
public sealed class BackhaulSwitchingOptions
{
    /// <summary>Score points a same-state candidate must lead by to replace a working active interface.</summary>
    public double SwitchMargin { get; init; } = 10;

    /// <summary>The least time between two preference switches.</summary>
    public TimeSpan MinSwitchInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long after a failed (rolled back) switch the manager tries again.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many switch records <see cref="BackhaulManager.GetSwitchHistory"/> keeps.</summary>
    public int HistoryCapacity { get; init; } = 64;

    internal void Validate()
    {
        if (double.IsNaN(SwitchMargin) || double.IsInfinity(SwitchMargin) || SwitchMargin < 0)
        {
            throw BackhaulManagerOptions.Invalid($"Switching.SwitchMargin must be a finite non-negative number (was {SwitchMargin}).");
        }

        BackhaulManagerOptions.RequireNonNegative(MinSwitchInterval, "Switching.MinSwitchInterval");
        BackhaulManagerOptions.RequirePositive(RetryDelay, "Switching.RetryDelay");
        BackhaulManagerOptions.RequireAtLeast(HistoryCapacity, 1, "Switching.HistoryCapacity");
        BackhaulManagerOptions.RequireAtMost(HistoryCapacity, 100_000, "Switching.HistoryCapacity");
    }
}
