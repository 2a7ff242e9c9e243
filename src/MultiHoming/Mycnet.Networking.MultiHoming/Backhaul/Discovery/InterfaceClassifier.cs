namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>What sysfs says about an interface, for classification.</summary>
/// <param name="IsWireless">A <c>wireless</c> or <c>phy80211</c> entry exists.</param>
/// <param name="DevType">The <c>DEVTYPE</c> of its uevent, if any (<c>wlan</c>, <c>wwan</c>, <c>bluetooth</c>, ...).</param>
internal readonly record struct SysfsAttributes(bool IsWireless, string? DevType);

/// <summary>
/// Classifies interfaces: sysfs attributes first (when enabled), then the name patterns in order, and
/// decides which interfaces are considered at all.
/// </summary>
internal sealed class InterfaceClassifier
{
    private readonly BackhaulInterfacePattern[] _patterns;
    private readonly string[] _excluded;
    private readonly bool _useSysfs;
    private readonly bool _includeUnclassified;

    public InterfaceClassifier(BackhaulDiscoveryOptions options)
    {
        _patterns = [.. options.Patterns];
        _excluded = [.. options.ExcludedInterfaces];
        _useSysfs = options.UseSysfsAttributes;
        _includeUnclassified = options.IncludeUnclassified;
    }

    public BackhaulInterfaceKind Classify(string name, SysfsAttributes attributes)
    {
        if (_useSysfs)
        {
            if (attributes.IsWireless || string.Equals(attributes.DevType, "wlan", StringComparison.Ordinal))
            {
                return BackhaulInterfaceKind.WiFi;
            }

            if (string.Equals(attributes.DevType, "wwan", StringComparison.Ordinal))
            {
                return BackhaulInterfaceKind.Cellular;
            }

            if (string.Equals(attributes.DevType, "bluetooth", StringComparison.Ordinal))
            {
                return BackhaulInterfaceKind.BluetoothPan;
            }
        }

        foreach (BackhaulInterfacePattern pattern in _patterns)
        {
            if (GlobPattern.IsMatch(pattern.Pattern, name))
            {
                return pattern.Kind;
            }
        }

        return BackhaulInterfaceKind.Unknown;
    }

    /// <summary>Whether an interface of this name and kind is considered.</summary>
    public bool IsConsidered(string name, BackhaulInterfaceKind kind)
    {
        if (string.Equals(name, "lo", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (string pattern in _excluded)
        {
            if (GlobPattern.IsMatch(pattern, name))
            {
                return false;
            }
        }

        return kind != BackhaulInterfaceKind.Unknown || _includeUnclassified;
    }
}
