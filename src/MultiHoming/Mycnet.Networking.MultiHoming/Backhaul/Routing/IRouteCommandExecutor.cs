namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Runs one policy-routing command (the seam between planning and iproute2 or a test fake).</summary>
internal interface IRouteCommandExecutor
{
    /// <summary>Runs the command; throws <see cref="BackhaulException"/> (Routing) when it fails or times out.</summary>
    ValueTask ExecuteAsync(BackhaulRouteCommand command, CancellationToken cancellationToken);
}
