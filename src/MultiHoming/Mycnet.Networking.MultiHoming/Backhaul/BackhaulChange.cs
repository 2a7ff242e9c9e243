namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>A change notification of the <see cref="BackhaulManager"/>; see the derived records.</summary>
/// <param name="Timestamp">When the change happened, on the manager's clock.</param>
public abstract record BackhaulChange(DateTimeOffset Timestamp);

/// <summary>The active backhaul changed (routing has been switched, or planned in a dry run).</summary>
/// <param name="Timestamp">When the switch completed.</param>
/// <param name="Old">The previously active interface, if any.</param>
/// <param name="New">The now active interface.</param>
/// <param name="Reason">Why.</param>
/// <param name="Record">The history entry with the routing commands.</param>
public sealed record BackhaulSwitched(
    DateTimeOffset Timestamp,
    BackhaulSelection? Old,
    BackhaulSelection New,
    BackhaulSwitchReason Reason,
    BackhaulSwitchRecord Record) : BackhaulChange(Timestamp);

/// <summary>A switch failed and was rolled back; the previous interface stays active.</summary>
/// <param name="Timestamp">When the rollback completed.</param>
/// <param name="Old">The interface that stays active, if any.</param>
/// <param name="Attempted">The interface the manager tried to switch to.</param>
/// <param name="Reason">Why the switch was attempted.</param>
/// <param name="Record">The history entry with the failure and the rollback commands.</param>
public sealed record BackhaulSwitchFailed(
    DateTimeOffset Timestamp,
    BackhaulSelection? Old,
    string Attempted,
    BackhaulSwitchReason Reason,
    BackhaulSwitchRecord Record) : BackhaulChange(Timestamp);

/// <summary>An interface changed state.</summary>
/// <param name="Timestamp">When.</param>
/// <param name="InterfaceName">Which interface.</param>
/// <param name="Old">The state it left.</param>
/// <param name="New">The state it entered.</param>
/// <param name="Reason">Why.</param>
public sealed record BackhaulStateChanged(
    DateTimeOffset Timestamp,
    string InterfaceName,
    BackhaulState Old,
    BackhaulState New,
    BackhaulTransitionReason Reason) : BackhaulChange(Timestamp);

/// <summary>Carries a <see cref="BackhaulChange"/> to <see cref="BackhaulManager.Changed"/> handlers.</summary>
public sealed class BackhaulChangedEventArgs : EventArgs
{
    /// <summary>Wraps a change.</summary>
    public BackhaulChangedEventArgs(BackhaulChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        Change = change;
    }

    /// <summary>The change.</summary>
    public BackhaulChange Change { get; }
}
