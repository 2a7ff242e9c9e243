using System.Net.Sockets;
using System.Text.Json;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>
/// One network namespace of a <see cref="NetworkTopology"/>: iproute2 commands against it, its
/// nftables filter, and a thread inside it for creating sockets and running code there.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    private readonly Lock _gate = new();
    private NamespaceThread? _thread;
    private bool _disposed;

    internal NetworkNamespace(string name)
    {
        Name = name;
        Firewall = new NamespaceFirewall(this);
    }

    /// <summary>The namespace's name under <c>/var/run/netns</c>.</summary>
    public string Name { get; }

    /// <summary>Loss and blackhole rules on this namespace's interfaces (nftables).</summary>
    public NamespaceFirewall Firewall { get; }

    /// <summary>Runs <c>ip -n NAME arguments</c>; throws when it fails.</summary>
    public CommandResult Ip(params string[] arguments) => TryIp(arguments).EnsureSuccess();

    /// <summary>Runs <c>ip -n NAME arguments</c> and returns the outcome, failed or not.</summary>
    public CommandResult TryIp(params string[] arguments) => SystemCommand.Run("ip", ["-n", Name, .. arguments]);

    /// <summary>Runs <c>ip -n NAME -j arguments</c> and parses the JSON; an empty array when the command fails (e.g. a table that does not exist).</summary>
    public JsonElement IpJson(params string[] arguments)
    {
        CommandResult result = SystemCommand.Run("ip", ["-n", Name, "-j", .. arguments]);
        string text = result.Succeeded && !string.IsNullOrWhiteSpace(result.StandardOutput) ? result.StandardOutput : "[]";
        using JsonDocument document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Runs a program inside the namespace (<c>ip netns exec</c>); throws when it fails.</summary>
    public CommandResult Exec(string file, IReadOnlyList<string> arguments, string? standardInput = null) =>
        SystemCommand.Run("ip", ["netns", "exec", Name, file, .. arguments], standardInput).EnsureSuccess();

    /// <summary>Adds an address (<c>10.0.0.1/24</c>) to a device.</summary>
    public void AddAddress(string device, string cidr) => Ip("addr", "add", cidr, "dev", device);

    /// <summary>Sets a device administratively up.</summary>
    public void SetLinkUp(string device) => Ip("link", "set", device, "up");

    /// <summary>Sets a device administratively down (its veth peer loses carrier).</summary>
    public void SetLinkDown(string device) => Ip("link", "set", device, "down");

    /// <summary>Adds a route: <c>ip route add spec...</c>, e.g. <c>default via 10.0.0.2 dev eth0 metric 100</c>.</summary>
    public void AddRoute(params string[] spec) => Ip(["route", "add", .. spec]);

    /// <summary>Runs <paramref name="work"/> on a thread inside this namespace and returns its result.</summary>
    public T Invoke<T>(Func<T> work) => EnsureThread().Invoke(work);

    /// <summary>Runs <paramref name="work"/> on a thread inside this namespace.</summary>
    public Task<T> InvokeAsync<T>(Func<T> work) => EnsureThread().InvokeAsync(work);

    /// <summary>Creates a socket that belongs to this namespace (bind, connect and use it from any thread).</summary>
    public Socket CreateSocket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType) =>
        Invoke(() => new Socket(addressFamily, socketType, protocolType));

    /// <summary>Stops the namespace thread and deletes the namespace (its veth ends go with it).</summary>
    public void Dispose()
    {
        NamespaceThread? thread;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            thread = _thread;
            _thread = null;
        }

        thread?.Dispose();
        CommandResult result = SystemCommand.Run("ip", ["netns", "del", Name]);
        if (!result.Succeeded && NetworkTopology.Exists(Name))
        {
            throw new InvalidOperationException($"Could not delete namespace '{Name}': {result.StandardError.Trim()}");
        }
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    private NamespaceThread EnsureThread()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _thread ??= new NamespaceThread(Name);
        }
    }
}
