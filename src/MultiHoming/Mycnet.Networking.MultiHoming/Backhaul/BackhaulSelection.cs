using System.Net;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>The active backhaul: which interface, its state and score, and the source addresses to bind to.</summary>
/// <param name="InterfaceName">The interface, e.g. <c>eth0</c>.</param>
/// <param name="InterfaceIndex">The kernel's index of the interface.</param>
/// <param name="Kind">Its classification.</param>
/// <param name="State">Its state when this snapshot was taken.</param>
/// <param name="Score">Its score when this snapshot was taken.</param>
/// <param name="SourceAddresses">The addresses connections bind to (one per family at most).</param>
public sealed record BackhaulSelection(
    string InterfaceName,
    int InterfaceIndex,
    BackhaulInterfaceKind Kind,
    BackhaulState State,
    double Score,
    IReadOnlyList<IPAddress> SourceAddresses);

/// <summary>A snapshot of one interface as the manager sees it.</summary>
public sealed record BackhaulInterfaceStatus
{
    /// <summary>The interface name.</summary>
    public required string Name { get; init; }

    /// <summary>The kernel's index of the interface.</summary>
    public required int Index { get; init; }

    /// <summary>Its classification.</summary>
    public required BackhaulInterfaceKind Kind { get; init; }

    /// <summary>Its state.</summary>
    public required BackhaulState State { get; init; }

    /// <summary>How long it has been in <see cref="State"/>.</summary>
    public required TimeSpan TimeInState { get; init; }

    /// <summary>Its score (quality plus policy bias).</summary>
    public required double Score { get; init; }

    /// <summary>The smoothed round-trip time, when any probe has succeeded.</summary>
    public required TimeSpan? SmoothedRtt { get; init; }

    /// <summary>Loss over the probe window, 0 to 1.</summary>
    public required double Loss { get; init; }

    /// <summary>Interarrival jitter of probe RTTs.</summary>
    public required TimeSpan Jitter { get; init; }

    /// <summary>Whether the link is operationally up with a usable address.</summary>
    public required bool IsOperational { get; init; }

    /// <summary>The manual override on it.</summary>
    public required BackhaulOverride Override { get; init; }

    /// <summary>Whether it is the active backhaul.</summary>
    public required bool IsActive { get; init; }

    /// <summary>Its unicast addresses.</summary>
    public required IReadOnlyList<IPAddress> Addresses { get; init; }
}

/// <summary>One policy-routing command: the arguments given to iproute2 (no shell is involved).</summary>
/// <param name="Arguments">The arguments after the executable, e.g. <c>-4 rule add priority 10000 from 10.0.0.2 table 1002</c>.</param>
public sealed record BackhaulRouteCommand(IReadOnlyList<string> Arguments)
{
    /// <summary>The command as a readable line, <c>ip</c> followed by the arguments.</summary>
    public override string ToString() => "ip " + string.Join(' ', Arguments);
}

/// <summary>One entry of the switch history.</summary>
public sealed record BackhaulSwitchRecord
{
    /// <summary>When the switch was decided.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The interface that was active, if any.</summary>
    public required string? From { get; init; }

    /// <summary>The interface switched to.</summary>
    public required string To { get; init; }

    /// <summary>Why.</summary>
    public required BackhaulSwitchReason Reason { get; init; }

    /// <summary>Whether routing was only planned (<see cref="BackhaulRoutingOptions.DryRun"/>).</summary>
    public required bool DryRun { get; init; }

    /// <summary>Whether the switch took effect.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The commands planned (dry run) or run, in order; on failure, those run before the failing one and the failing one.</summary>
    public required IReadOnlyList<BackhaulRouteCommand> Commands { get; init; }

    /// <summary>The undo commands run after a failure, in order.</summary>
    public required IReadOnlyList<BackhaulRouteCommand> RollbackCommands { get; init; }

    /// <summary>Why the switch failed, when it did.</summary>
    public required string? Error { get; init; }

    /// <summary>How long planning and running the commands took.</summary>
    public required TimeSpan Duration { get; init; }
}
