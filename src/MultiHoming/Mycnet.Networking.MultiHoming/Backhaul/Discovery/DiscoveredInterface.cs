using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>An address on an interface with its on-link prefix length.</summary>
internal readonly record struct InterfaceAddress(IPAddress Address, int PrefixLength);

/// <summary>What one scan learned about an interface.</summary>
internal sealed record DiscoveredInterface(
    string Name,
    int Index,
    BackhaulInterfaceKind Kind,
    bool IsLinkUp,
    IReadOnlyList<InterfaceAddress> Addresses,
    IPAddress? GatewayV4,
    IPAddress? GatewayV6)
{
    /// <summary>Up with carrier and holding an address probes and routes can use.</summary>
    public bool IsOperational => IsLinkUp && (SourceAddress(AddressFamily.InterNetwork) is not null || SourceAddress(AddressFamily.InterNetworkV6) is not null);

    /// <summary>The first usable source address of a family: IPv4 outside 169.254/16, IPv6 global.</summary>
    public InterfaceAddress? SourceBinding(AddressFamily family)
    {
        foreach (InterfaceAddress address in Addresses)
        {
            if (address.Address.AddressFamily == family && IsUsableSource(address.Address))
            {
                return address;
            }
        }

        return null;
    }

    public IPAddress? SourceAddress(AddressFamily family) => SourceBinding(family)?.Address;

    public IReadOnlyList<IPAddress> SourceAddresses()
    {
        var list = new List<IPAddress>(2);
        if (SourceAddress(AddressFamily.InterNetwork) is { } v4)
        {
            list.Add(v4);
        }

        if (SourceAddress(AddressFamily.InterNetworkV6) is { } v6)
        {
            list.Add(v6);
        }

        return list;
    }

    public static bool IsUsableSource(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> bytes = stackalloc byte[4];
            address.TryWriteBytes(bytes, out _);
            return !(bytes[0] == 169 && bytes[1] == 254) && !(bytes[0] == 0);
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6
            && !address.IsIPv6LinkLocal
            && !address.IsIPv6Multicast
            && !address.IsIPv4MappedToIPv6
            && !address.Equals(IPAddress.IPv6Any);
    }
}
