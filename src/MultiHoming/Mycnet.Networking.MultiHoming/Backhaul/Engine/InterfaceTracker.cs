namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Everything the controller knows about one interface.</summary>
internal sealed class InterfaceTracker
{
    public InterfaceTracker(DiscoveredInterface info, BackhaulProbeOptions probes, BackhaulHoldDownOptions holdDowns, TimeSpan now)
    {
        Info = info;
        Statistics = new ProbeStatistics(probes.WindowRounds);
        Machine = new InterfaceStateMachine(holdDowns, probes.UpAfterSuccessfulRounds, now);
    }

    public string Name => Info.Name;

    public DiscoveredInterface Info { get; set; }

    public ProbeStatistics Statistics { get; }

    public InterfaceStateMachine Machine { get; }

    public BackhaulState State => Machine.State;
}

/// <summary>A decision to make <see cref="Target"/> the active backhaul.</summary>
internal readonly record struct SwitchDecision(string Target, BackhaulSwitchReason Reason);

/// <summary>A state transition of a named interface.</summary>
internal readonly record struct TrackerTransition(string Interface, StateTransition Transition);
