using Microsoft.Extensions.Logging;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Source-generated log messages of the backhaul manager; event ids 6001–6099 are stable.</summary>
internal static partial class BackhaulLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Information, Message = "Backhaul manager started with {InterfaceCount} interfaces (dry run: {DryRun})")]
    public static partial void Started(ILogger logger, int interfaceCount, bool dryRun);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Interface {Interface} discovered: {Kind}, index {Index}")]
    public static partial void InterfaceDiscovered(ILogger logger, string @interface, BackhaulInterfaceKind kind, int index);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "Interface {Interface} vanished")]
    public static partial void InterfaceVanished(ILogger logger, string @interface);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Interface {Interface} {OldState} -> {NewState} ({Reason}) after {Seconds:0.###} s")]
    public static partial void StateChanged(ILogger logger, string @interface, BackhaulState oldState, BackhaulState newState, BackhaulTransitionReason reason, double seconds);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Backhaul switched {From} -> {To} ({Reason}) in {Milliseconds:0.#} ms")]
    public static partial void Switched(ILogger logger, string from, string to, BackhaulSwitchReason reason, double milliseconds);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Error, Message = "Backhaul switch {From} -> {To} failed and was rolled back")]
    public static partial void SwitchFailed(ILogger logger, string from, string to, Exception exception);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Critical, Message = "Rollback of the switch {From} -> {To} failed; routing may be inconsistent until the next switch")]
    public static partial void RollbackFailed(ILogger logger, string from, string to);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Debug, Message = "Probe {Probe} to {Target} from {Interface} failed: {Error}")]
    public static partial void ProbeFailed(ILogger logger, string probe, string target, string @interface, string error);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning, Message = "Interface discovery failed")]
    public static partial void DiscoveryFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Debug, Message = "Routing: {Command}")]
    public static partial void RouteCommand(ILogger logger, BackhaulRouteCommand command);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Dry run: switch {From} -> {To} ({Reason}) planned as {CommandCount} commands, none run")]
    public static partial void DryRunSwitch(ILogger logger, string from, string to, BackhaulSwitchReason reason, int commandCount);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Information, Message = "Backhaul manager stopped")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 6013, Level = LogLevel.Warning, Message = "Routing command {Command} failed and was skipped: {Error}")]
    public static partial void RouteCommandSkipped(ILogger logger, BackhaulRouteCommand command, string error);

    [LoggerMessage(EventId = 6014, Level = LogLevel.Warning, Message = "Link change notifications are unavailable; relying on periodic rescans")]
    public static partial void ChangeSourceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6015, Level = LogLevel.Warning, Message = "Probe {Probe} from {Interface} could not run")]
    public static partial void ProbeError(ILogger logger, string probe, string @interface, Exception exception);

    [LoggerMessage(EventId = 6016, Level = LogLevel.Information, Message = "Override on {Interface} set to {Override}")]
    public static partial void OverrideSet(ILogger logger, string @interface, BackhaulOverride @override);

    [LoggerMessage(EventId = 6017, Level = LogLevel.Warning, Message = "Routing cleanup failed")]
    public static partial void CleanupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6018, Level = LogLevel.Error, Message = "A Changed handler threw; the manager continues")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);
}
