namespace Mycnet.Networking.Testing.Simulation;

/// <summary>Why the simulated network dropped a datagram.</summary>
public enum SimDropCause
{
    /// <summary>No node owns the destination address (at send or at arrival time), or no link leads there.</summary>
    NoRoute,

    /// <summary>The sender used a source address it does not own (never attached, or removed).</summary>
    UnknownSource,

    /// <summary>The link was taken down (<see cref="SimLink.IsUp"/> false).</summary>
    LinkDown,

    /// <summary>The datagram entered the link during a scheduled blackout.</summary>
    Blackout,

    /// <summary>The datagram was longer than the link's MTU.</summary>
    Mtu,

    /// <summary>The bottleneck queue was full (drop-tail).</summary>
    QueueFull,

    /// <summary>Independent random loss.</summary>
    RandomLoss,

    /// <summary>Gilbert-Elliott burst loss.</summary>
    BurstLoss,
}
