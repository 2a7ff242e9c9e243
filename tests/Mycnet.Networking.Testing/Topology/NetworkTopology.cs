using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>
/// A set of network namespaces joined by veth pairs, torn down in all outcomes.
/// </summary>
/// <remarks>
/// <para>Names are <c>mycnet-{pid}-{id}-{role}</c>: unique per topology, and the pid lets a later run
/// recognise leftovers of a crashed one. The first topology of a process sweeps namespaces whose
/// process is gone (and that are at least a minute old, so a concurrent run is never touched).</para>
/// <para>Teardown: <see cref="Dispose"/> deletes every namespace (their veth ends and nftables rules go
/// with them); a process-exit hook disposes topologies a test failed to dispose; the sweep covers a
/// process that was killed outright.</para>
/// <para>Typical use: <c>using var topology = NetworkTopology.Create();</c>, <see cref="AddNamespace"/>
/// per node, <see cref="Connect"/> per link, then routes with <see cref="NetworkNamespace.AddRoute"/>
/// and failures with <see cref="NetworkNamespace.SetLinkDown"/> or <see cref="NetworkNamespace.Firewall"/>.</para>
/// </remarks>
public sealed class NetworkTopology : IDisposable, IAsyncDisposable
{
    /// <summary>Every namespace this helper creates starts with this.</summary>
    public const string NamePrefix = "mycnet-";

    private const string NetnsDirectory = "/var/run/netns";
    private static readonly ConcurrentDictionary<NetworkTopology, byte> Live = new();
    private static int s_swept;
    private readonly List<NetworkNamespace> _namespaces = [];
    private readonly Lock _gate = new();
    private bool _disposed;

    static NetworkTopology()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (NetworkTopology topology in Live.Keys)
            {
                topology.Dispose();
            }
        };
    }

    private NetworkTopology()
    {
        Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        Live.TryAdd(this, 0);
    }

    /// <summary>The random part shared by this topology's namespace names.</summary>
    public string Id { get; }

    /// <summary>The namespaces created so far.</summary>
    public IReadOnlyList<NetworkNamespace> Namespaces
    {
        get
        {
            lock (_gate)
            {
                return [.. _namespaces];
            }
        }
    }

    /// <summary>
    /// Starts a topology. Throws <see cref="TopologyUnavailableException"/> when a prerequisite (root,
    /// iproute2, nftables if asked for) is missing.
    /// </summary>
    public static NetworkTopology Create(bool requireNftables = false)
    {
        if (TopologyPrerequisites.FindMissing(requireNftables) is { } missing)
        {
            throw new TopologyUnavailableException(missing);
        }

        if (Interlocked.Exchange(ref s_swept, 1) == 0)
        {
            SweepStale(TimeSpan.FromMinutes(1));
        }

        return new NetworkTopology();
    }

    /// <summary>Whether a namespace of this name exists.</summary>
    public static bool Exists(string name) => File.Exists(Path.Combine(NetnsDirectory, name));

    /// <summary>Names of existing namespaces that start with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<string> List(string prefix = NamePrefix)
    {
        if (!Directory.Exists(NetnsDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateFiles(NetnsDirectory, prefix + "*").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Deletes <c>mycnet-{pid}-*</c> namespaces whose process no longer runs and that are older than
    /// <paramref name="minimumAge"/>. Returns how many were deleted.
    /// </summary>
    public static int SweepStale(TimeSpan minimumAge)
    {
        int deleted = 0;
        foreach (string name in List())
        {
            string[] parts = name[NamePrefix.Length..].Split('-');
            if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue; // Not named by this helper.
            }

            if (pid == Environment.ProcessId || Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)))
            {
                continue;
            }

            DateTime created = File.GetLastWriteTimeUtc(Path.Combine(NetnsDirectory, name));
            if (DateTime.UtcNow - created < minimumAge)
            {
                continue;
            }

            if (SystemCommand.Run("ip", ["netns", "del", name]).Succeeded)
            {
                deleted++;
            }
        }

        return deleted;
    }

    /// <summary>Creates a namespace named after its role (lowercase letters and digits, at most 10) with its loopback up.</summary>
    public NetworkNamespace AddNamespace(string role)
    {
        ArgumentException.ThrowIfNullOrEmpty(role);
        if (role.Length > 10 || !role.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException("A role is 1 to 10 lowercase letters or digits.", nameof(role));
        }

        string name = string.Create(CultureInfo.InvariantCulture, $"{NamePrefix}{Environment.ProcessId}-{Id}-{role}");
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            SystemCommand.Run("ip", ["netns", "add", name]).EnsureSuccess();
            var created = new NetworkNamespace(name);
            _namespaces.Add(created);
            created.SetLinkUp("lo");
            return created;
        }
    }

    /// <summary>
    /// Joins two namespaces with a veth pair, <paramref name="deviceA"/> in <paramref name="a"/> and
    /// <paramref name="deviceB"/> in <paramref name="b"/>, adds the addresses given (CIDR) and sets both ends up.
    /// </summary>
    public void Connect(NetworkNamespace a, string deviceA, NetworkNamespace b, string deviceB, string? cidrA = null, string? cidrB = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        SystemCommand.Run("ip", ["link", "add", deviceA, "netns", a.Name, "type", "veth", "peer", "name", deviceB, "netns", b.Name]).EnsureSuccess();
        if (cidrA is not null)
        {
            a.AddAddress(deviceA, cidrA);
        }

        if (cidrB is not null)
        {
            b.AddAddress(deviceB, cidrB);
        }

        a.SetLinkUp(deviceA);
        b.SetLinkUp(deviceB);
    }

    /// <summary>Deletes every namespace of the topology. Safe to call more than once.</summary>
    public void Dispose()
    {
        NetworkNamespace[] namespaces;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            namespaces = [.. _namespaces];
            _namespaces.Clear();
        }

        List<Exception>? errors = null;
        for (int i = namespaces.Length - 1; i >= 0; i--)
        {
            try
            {
                namespaces[i].Dispose();
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                (errors ??= []).Add(ex);
            }
        }

        Live.TryRemove(this, out _);
        if (errors is not null)
        {
            throw new AggregateException("Some namespaces could not be deleted.", errors);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
