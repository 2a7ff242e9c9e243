namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>A name pattern (<c>*</c> and <c>?</c> wildcards) that classifies matching interfaces.</summary>
/// <param name="Pattern">The pattern, e.g. <c>wlp*</c>.</param>
/// <param name="Kind">The kind matching interfaces get.</param>
public sealed record BackhaulInterfacePattern(string Pattern, BackhaulInterfaceKind Kind);

/// <summary>Which interfaces the manager considers and how it classifies them.</summary>
public sealed class BackhaulDiscoveryOptions
{
    /// <summary>Name patterns in match order; the first match wins. Defaults to the usual Linux names.</summary>
    public IList<BackhaulInterfacePattern> Patterns { get; init; } = DefaultPatterns();

    /// <summary>
    /// Whether sysfs attributes classify before names: a <c>wireless</c> or <c>phy80211</c> entry means
    /// Wi-Fi, <c>DEVTYPE=wwan</c> cellular, <c>DEVTYPE=bluetooth</c> Bluetooth PAN.
    /// </summary>
    public bool UseSysfsAttributes { get; init; } = true;

    /// <summary>Patterns of interfaces never considered (the loopback is always ignored).</summary>
    public IList<string> ExcludedInterfaces { get; init; } = [];

    /// <summary>Whether interfaces of kind <see cref="BackhaulInterfaceKind.Unknown"/> are considered.</summary>
    public bool IncludeUnclassified { get; init; }

    /// <summary>Whether link and address changes (rtnetlink) trigger a rescan.</summary>
    public bool WatchLinkChanges { get; init; } = true;

    /// <summary>How long a burst of change notifications is coalesced before the rescan; below one second.</summary>
    public TimeSpan ChangeDebounce { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Rescan period when no notification arrives (a safety net for missed events).</summary>
    public TimeSpan RescanInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default patterns: Ethernet, Wi-Fi, cellular, USB tether and Bluetooth PAN names.</summary>
    public static List<BackhaulInterfacePattern> DefaultPatterns() =>
    [
        new("eth*", BackhaulInterfaceKind.Ethernet),
        new("eno*", BackhaulInterfaceKind.Ethernet),
        new("enp*", BackhaulInterfaceKind.Ethernet),
        new("ens*", BackhaulInterfaceKind.Ethernet),
        new("wlan*", BackhaulInterfaceKind.WiFi),
        new("wlp*", BackhaulInterfaceKind.WiFi),
        new("wwan*", BackhaulInterfaceKind.Cellular),
        new("ppp*", BackhaulInterfaceKind.Cellular),
        new("usb*", BackhaulInterfaceKind.UsbTether),
        new("enx*", BackhaulInterfaceKind.UsbTether),
        new("bnep*", BackhaulInterfaceKind.BluetoothPan),
    ];

    internal void Validate()
    {
        BackhaulManagerOptions.RequireNotNull(Patterns, "Discovery.Patterns");
        BackhaulManagerOptions.RequireNotNull(ExcludedInterfaces, "Discovery.ExcludedInterfaces");
        foreach (BackhaulInterfacePattern? pattern in Patterns)
        {
            if (pattern is null || !GlobPattern.IsValid(pattern.Pattern))
            {
                throw BackhaulManagerOptions.Invalid($"Discovery.Patterns has an invalid entry '{pattern?.Pattern}'.");
            }
        }

        foreach (string? pattern in ExcludedInterfaces)
        {
            if (!GlobPattern.IsValid(pattern))
            {
                throw BackhaulManagerOptions.Invalid($"Discovery.ExcludedInterfaces has an invalid entry '{pattern}'.");
            }
        }

        BackhaulManagerOptions.RequirePositive(ChangeDebounce, "Discovery.ChangeDebounce");
        if (ChangeDebounce >= TimeSpan.FromSeconds(1))
        {
            throw BackhaulManagerOptions.Invalid("Discovery.ChangeDebounce must be below one second so a link change is rescanned within a second.");
        }

        BackhaulManagerOptions.RequirePositive(RescanInterval, "Discovery.RescanInterval");
    }
}
