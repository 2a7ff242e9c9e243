using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Reads default gateways per interface from procfs. It reads <c>/proc/thread-self/net</c> (the calling
/// thread's network namespace) rather than <c>/proc/net</c> (the process's main thread), so a manager
/// hosted on a thread inside another namespace sees that namespace's routes.
/// </summary>
internal static class ProcNetRoutes
{
    private const int RtfUp = 0x1;
    private const int RtfGateway = 0x2;

    /// <summary>Default IPv4 gateways by interface, lowest metric first wins, from <c>route</c>-format text.</summary>
    public static Dictionary<string, IPAddress> ParseIPv4(string text)
    {
        var result = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal);
        Span<byte> bytes = stackalloc byte[4];
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT
            if (f.Length < 8 || string.Equals(f[0], "Iface", StringComparison.Ordinal))
            {
                continue;
            }

            if (!uint.TryParse(f[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint destination)
                || !uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint gateway)
                || !int.TryParse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int flags)
                || !long.TryParse(f[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out long metric)
                || !uint.TryParse(f[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint mask))
            {
                continue;
            }

            if (destination != 0 || mask != 0 || (flags & (RtfUp | RtfGateway)) != (RtfUp | RtfGateway) || gateway == 0)
            {
                continue;
            }

            if (metrics.TryGetValue(f[0], out long best) && best <= metric)
            {
                continue;
            }

            // The kernel prints the network-order address as a 32-bit word in host order.
            if (BitConverter.IsLittleEndian)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, gateway);
            }
            else
            {
                BinaryPrimitives.WriteUInt32BigEndian(bytes, gateway);
            }

            metrics[f[0]] = metric;
            result[f[0]] = new IPAddress(bytes);
        }

        return result;
    }

    /// <summary>Default IPv6 gateways by interface from <c>ipv6_route</c>-format text.</summary>
    public static Dictionary<string, IPAddress> ParseIPv6(string text)
    {
        var result = new Dictionary<string, IPAddress>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            // dest destlen src srclen nexthop metric refcnt use flags iface
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[0].Length != 32 || f[4].Length != 32)
            {
                continue;
            }

            if (!string.Equals(f[0], new string('0', 32), StringComparison.Ordinal) || !string.Equals(f[1], "00", StringComparison.Ordinal))
            {
                continue;
            }

            if (!long.TryParse(f[5], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long metric)
                || !int.TryParse(f[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int flags)
                || (flags & (RtfUp | RtfGateway)) != (RtfUp | RtfGateway))
            {
                continue;
            }

            byte[] bytes = Convert.FromHexString(f[4]);
            var gateway = new IPAddress(bytes);
            if (gateway.Equals(IPAddress.IPv6Any) || (metrics.TryGetValue(f[9], out long best) && best <= metric))
            {
                continue;
            }

            metrics[f[9]] = metric;
            result[f[9]] = gateway;
        }

        return result;
    }

    public static Dictionary<string, IPAddress> ReadIPv4() => ParseIPv4(ReadNetFile("route"));

    public static Dictionary<string, IPAddress> ReadIPv6() => ParseIPv6(ReadNetFile("ipv6_route"));

    private static string ReadNetFile(string name)
    {
        string threadPath = "/proc/thread-self/net/" + name;
        string path = File.Exists(threadPath) ? threadPath : "/proc/net/" + name;
        return File.Exists(path) ? File.ReadAllText(path) : string.Empty;
    }
}
