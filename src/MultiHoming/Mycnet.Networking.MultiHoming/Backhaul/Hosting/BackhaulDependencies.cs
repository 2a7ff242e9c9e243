namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// The manager's seams to the system. Anything left null gets the production implementation, built
/// from the options and run in <see cref="NetworkContext"/>.
/// </summary>
internal sealed class BackhaulDependencies
{
    /// <summary>Production defaults in the process's own namespace.</summary>
    public static BackhaulDependencies Default { get; } = new();

    /// <summary>Where system calls run (a network namespace in the integration tests).</summary>
    public IBackhaulNetworkContext NetworkContext { get; init; } = InlineNetworkContext.Instance;

    /// <summary>Interface discovery; defaults to <see cref="SystemInterfaceDiscovery"/>.</summary>
    public IInterfaceDiscovery? Discovery { get; init; }

    /// <summary>Link change notifications; defaults to rtnetlink on Linux, <c>NetworkChange</c> elsewhere.</summary>
    public ILinkChangeSource? ChangeSource { get; init; }

    /// <summary>Routing command execution; defaults to <see cref="IpRouteCommandExecutor"/>.</summary>
    public IRouteCommandExecutor? RouteExecutor { get; init; }

    /// <summary>The random source for probe start jitter and nonces; seeded in tests.</summary>
    public Random? Random { get; init; }
}
