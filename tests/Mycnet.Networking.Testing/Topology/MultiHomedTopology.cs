using System.Globalization;
using System.Net;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>
/// A multi-homed host with several uplinks to one upstream peer:
/// <code>
///   host namespace                               peer namespace (targets on 10.99.0.1/32)
///   uplinks[0] 10.77.1.1/24 ── veth ── p-uplinks[0] 10.77.1.2/24
///   uplinks[1] 10.77.2.1/24 ── veth ── p-uplinks[1] 10.77.2.2/24
///   ...
/// </code>
/// The host's main table has a default route through every uplink (metric 100, 200, ...), as DHCP on
/// several uplinks leaves it. Services for the host to reach listen on <see cref="TargetAddress"/> in
/// the peer (create their sockets with <see cref="NetworkNamespace.CreateSocket"/> on <see cref="Peer"/>).
/// Failures are injected on the peer side so the host sees them as a real uplink would:
/// <see cref="PullCable"/> takes the peer end down (the host end loses carrier), and
/// <c>Peer.Firewall</c> on <see cref="PeerDevice"/> drops packets while the link stays up.
/// </summary>
public sealed class MultiHomedTopology : IDisposable, IAsyncDisposable
{
    private readonly string[] _uplinks;

    private MultiHomedTopology(NetworkTopology topology, NetworkNamespace host, NetworkNamespace peer, string[] uplinks)
    {
        Topology = topology;
        Host = host;
        Peer = peer;
        _uplinks = uplinks;
    }

    /// <summary>The address the peer's services listen on.</summary>
    public static IPAddress TargetAddress { get; } = IPAddress.Parse("10.99.0.1");

    /// <summary>The underlying namespaces.</summary>
    public NetworkTopology Topology { get; }

    /// <summary>The multi-homed host.</summary>
    public NetworkNamespace Host { get; }

    /// <summary>The upstream peer.</summary>
    public NetworkNamespace Peer { get; }

    /// <summary>The host's uplink device names, in metric order.</summary>
    public IReadOnlyList<string> Uplinks => _uplinks;

    /// <summary>
    /// Builds the topology. Uplink names are at most 13 characters (the peer end is <c>p-</c> + name);
    /// at most 200 uplinks.
    /// </summary>
    public static MultiHomedTopology Create(IReadOnlyList<string> uplinks, bool requireNftables = false)
    {
        ArgumentNullException.ThrowIfNull(uplinks);
        if (uplinks.Count is 0 or > 200 || uplinks.Any(u => string.IsNullOrEmpty(u) || u.Length > 13))
        {
            throw new ArgumentException("Give 1 to 200 uplink names of at most 13 characters.", nameof(uplinks));
        }

        NetworkTopology topology = NetworkTopology.Create(requireNftables);
        try
        {
            NetworkNamespace host = topology.AddNamespace("host");
            NetworkNamespace peer = topology.AddNamespace("peer");
            for (int i = 0; i < uplinks.Count; i++)
            {
                string subnet = Subnet(i);
                topology.Connect(host, uplinks[i], peer, "p-" + uplinks[i], subnet + ".1/24", subnet + ".2/24");
                host.AddRoute("default", "via", subnet + ".2", "dev", uplinks[i], "metric", ((i + 1) * 100).ToString(CultureInfo.InvariantCulture));
            }

            peer.AddAddress("lo", TargetAddress + "/32");
            return new MultiHomedTopology(topology, host, peer, [.. uplinks]);
        }
        catch
        {
            topology.Dispose();
            throw;
        }
    }

    /// <summary>The host's address on an uplink (10.77.N.1).</summary>
    public IPAddress HostAddress(string uplink) => IPAddress.Parse(Subnet(IndexOf(uplink)) + ".1");

    /// <summary>The peer's address on an uplink, the host's gateway there (10.77.N.2).</summary>
    public IPAddress PeerAddress(string uplink) => IPAddress.Parse(Subnet(IndexOf(uplink)) + ".2");

    /// <summary>The peer's end of an uplink (<c>p-</c> + name), where loss and blackholes go.</summary>
    public string PeerDevice(string uplink) => "p-" + _uplinks[IndexOf(uplink)];

    /// <summary>Takes the peer end of an uplink down: the host's device stays administratively up but loses carrier.</summary>
    public void PullCable(string uplink) => Peer.SetLinkDown(PeerDevice(uplink));

    /// <summary>Brings the peer end back up: carrier returns, and the host's routes through it work again.</summary>
    public void PlugCable(string uplink) => Peer.SetLinkUp(PeerDevice(uplink));

    /// <summary>Deletes both namespaces.</summary>
    public void Dispose() => Topology.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Topology.DisposeAsync();

    private static string Subnet(int index) => string.Create(CultureInfo.InvariantCulture, $"10.77.{index + 1}");

    private int IndexOf(string uplink)
    {
        int index = Array.IndexOf(_uplinks, uplink);
        return index >= 0 ? index : throw new ArgumentException($"'{uplink}' is not an uplink of this topology.", nameof(uplink));
    }
}
