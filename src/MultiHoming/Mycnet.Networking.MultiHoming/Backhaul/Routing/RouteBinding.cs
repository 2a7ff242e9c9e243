using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>What the routing of one address family of an interface consists of.</summary>
internal sealed record RouteFamilyBinding(AddressFamily Family, IPAddress Source, IPAddress Network, int PrefixLength, IPAddress? Gateway)
{
    public string FamilyFlag => Family == AddressFamily.InterNetwork ? "-4" : "-6";

    public int HostPrefixLength => Family == AddressFamily.InterNetwork ? 32 : 128;
}

/// <summary>
/// The policy routing of one interface: its table and, per address family, its source address, on-link
/// prefix and gateway. Every value is validated here, before it can reach a command line.
/// </summary>
internal sealed record RouteBinding(string InterfaceName, int Table, IReadOnlyList<RouteFamilyBinding> Families)
{
    private const int MaxInterfaceNameLength = 15; // IFNAMSIZ - 1

    /// <summary>Builds the binding of an interface; throws <see cref="BackhaulException"/> (Routing) on invalid input.</summary>
    public static RouteBinding Create(DiscoveredInterface info, int tableBase)
    {
        ValidateInterfaceName(info.Name);
        if (info.Index <= 0 || (long)tableBase + info.Index > int.MaxValue)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"Interface '{info.Name}' has an index ({info.Index}) that gives no valid table number.");
        }

        int table = tableBase + info.Index;
        var families = new List<RouteFamilyBinding>(2);
        AddFamily(families, info, AddressFamily.InterNetwork, info.GatewayV4);
        AddFamily(families, info, AddressFamily.InterNetworkV6, info.GatewayV6);
        if (families.Count == 0)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"Interface '{info.Name}' has no usable source address.");
        }

        return new RouteBinding(info.Name, table, families);
    }

    /// <summary>Accepts the names Linux accepts for interfaces and nothing an argument parser could misread.</summary>
    public static void ValidateInterfaceName(string name)
    {
        bool valid = !string.IsNullOrEmpty(name) && name.Length <= MaxInterfaceNameLength && name[0] != '-' && !string.Equals(name, ".", StringComparison.Ordinal) && !string.Equals(name, "..", StringComparison.Ordinal);
        if (valid)
        {
            foreach (char c in name)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '@'))
                {
                    valid = false;
                    break;
                }
            }
        }

        if (!valid)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"'{name}' is not a valid interface name.");
        }
    }

    public static string Format(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes()).ToString()
            : address.ToString();

    public string TableText => Table.ToString(CultureInfo.InvariantCulture);

    private static void AddFamily(List<RouteFamilyBinding> families, DiscoveredInterface info, AddressFamily family, IPAddress? gateway)
    {
        if (info.SourceBinding(family) is not { } source)
        {
            return;
        }

        int maxPrefix = family == AddressFamily.InterNetwork ? 32 : 128;
        if (source.PrefixLength < 0 || source.PrefixLength > maxPrefix)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"Interface '{info.Name}' has an invalid prefix length {source.PrefixLength}.");
        }

        if (gateway is not null && gateway.AddressFamily != family)
        {
            throw new BackhaulException(BackhaulErrorKind.Routing, $"Interface '{info.Name}' has a gateway of the wrong family ({gateway}).");
        }

        families.Add(new RouteFamilyBinding(family, source.Address, Mask(source.Address, source.PrefixLength), source.PrefixLength, gateway));
    }

    private static IPAddress Mask(IPAddress address, int prefixLength)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int i = 0; i < bytes.Length; i++)
        {
            int bits = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }
}
