using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Discovers interfaces from the BCL's <see cref="NetworkInterface"/> (names, addresses, prefixes) and
/// Linux sysfs (index, operstate, carrier, wireless and DEVTYPE attributes), with default gateways from
/// procfs. Runs in the manager's network context, so it sees the namespace the manager serves.
/// </summary>
internal sealed class SystemInterfaceDiscovery : IInterfaceDiscovery
{
    private const int IffUp = 0x1;
    private readonly InterfaceClassifier _classifier;
    private readonly IBackhaulNetworkContext _context;
    private readonly string _sysClassNet;

    public SystemInterfaceDiscovery(InterfaceClassifier classifier, IBackhaulNetworkContext context, string sysClassNet = "/sys/class/net")
    {
        _classifier = classifier;
        _context = context;
        _sysClassNet = sysClassNet;
    }

    public IReadOnlyList<DiscoveredInterface> Scan()
    {
        try
        {
            return _context.Invoke(ScanCore);
        }
        catch (Exception ex) when (ex is NetworkInformationException or IOException or UnauthorizedAccessException or PlatformNotSupportedException or FormatException)
        {
            throw new BackhaulException(BackhaulErrorKind.Discovery, "Could not enumerate network interfaces: " + ex.Message, ex);
        }
    }

    private List<DiscoveredInterface> ScanCore()
    {
        NetworkInterface[] all = NetworkInterface.GetAllNetworkInterfaces();
        bool linux = OperatingSystem.IsLinux() && Directory.Exists(_sysClassNet);
        Dictionary<string, IPAddress> gatewaysV4 = linux ? ProcNetRoutes.ReadIPv4() : [];
        Dictionary<string, IPAddress> gatewaysV6 = linux ? ProcNetRoutes.ReadIPv6() : [];
        var result = new List<DiscoveredInterface>(all.Length);
        foreach (NetworkInterface nic in all)
        {
            if (nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            string name = nic.Name;
            string directory = Path.Combine(_sysClassNet, name);
            bool hasSysfs = linux && Directory.Exists(directory);
            SysfsAttributes attributes = hasSysfs ? ReadAttributes(directory) : default;
            BackhaulInterfaceKind kind = _classifier.Classify(name, attributes);
            if (!_classifier.IsConsidered(name, kind))
            {
                continue;
            }

            IPInterfaceProperties properties = nic.GetIPProperties();
            int index = hasSysfs ? ReadInt(Path.Combine(directory, "ifindex")) ?? IndexFromProperties(nic) : IndexFromProperties(nic);
            bool linkUp = hasSysfs ? ReadLinkUp(directory) : nic.OperationalStatus == OperationalStatus.Up;
            var addresses = new List<InterfaceAddress>();
            foreach (UnicastIPAddressInformation unicast in properties.UnicastAddresses)
            {
                addresses.Add(new InterfaceAddress(unicast.Address, unicast.PrefixLength));
            }

            gatewaysV4.TryGetValue(name, out IPAddress? gatewayV4);
            gatewaysV6.TryGetValue(name, out IPAddress? gatewayV6);
            if (!linux)
            {
                foreach (GatewayIPAddressInformation gateway in properties.GatewayAddresses)
                {
                    if (gateway.Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
                    {
                        gatewayV4 ??= gateway.Address;
                    }
                    else
                    {
                        gatewayV6 ??= gateway.Address;
                    }
                }
            }

            result.Add(new DiscoveredInterface(name, index, kind, linkUp, addresses, gatewayV4, gatewayV6));
        }

        return result;
    }

    private static SysfsAttributes ReadAttributes(string directory)
    {
        bool wireless = Directory.Exists(Path.Combine(directory, "wireless")) || Path.Exists(Path.Combine(directory, "phy80211"));
        string? devType = null;
        string? uevent = ReadText(Path.Combine(directory, "uevent"));
        if (uevent is not null)
        {
            foreach (string line in uevent.Split('\n'))
            {
                if (line.StartsWith("DEVTYPE=", StringComparison.Ordinal))
                {
                    devType = line["DEVTYPE=".Length..].Trim();
                }
            }
        }

        return new SysfsAttributes(wireless, devType);
    }

    // operstate per RFC 2863 as the kernel reports it; "unknown" (tun, ppp, some drivers) falls back to
    // the administrative flag and the carrier.
    private static bool ReadLinkUp(string directory)
    {
        string? operstate = ReadText(Path.Combine(directory, "operstate"))?.Trim();
        if (string.Equals(operstate, "up", StringComparison.Ordinal))
        {
            return true;
        }

        if (!string.Equals(operstate, "unknown", StringComparison.Ordinal))
        {
            return false;
        }

        string? flagsText = ReadText(Path.Combine(directory, "flags"))?.Trim();
        bool adminUp = flagsText is not null
            && flagsText.StartsWith("0x", StringComparison.Ordinal)
            && int.TryParse(flagsText.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int flags)
            && (flags & IffUp) != 0;
        return adminUp && ReadInt(Path.Combine(directory, "carrier")) == 1;
    }

    private static int IndexFromProperties(NetworkInterface nic)
    {
        IPInterfaceProperties properties = nic.GetIPProperties();
        if (nic.Supports(NetworkInterfaceComponent.IPv4))
        {
            return properties.GetIPv4Properties().Index;
        }

        return nic.Supports(NetworkInterfaceComponent.IPv6) ? properties.GetIPv6Properties().Index : 0;
    }

    private static int? ReadInt(string path) =>
        int.TryParse(ReadText(path), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : null;

    // sysfs attributes can vanish between listing and reading (the interface went away) or refuse reads
    // (carrier on an administratively down link returns EINVAL): both mean "no value".
    private static string? ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
