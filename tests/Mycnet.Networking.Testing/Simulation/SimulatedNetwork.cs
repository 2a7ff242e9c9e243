using System.Globalization;
using System.Net;
using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// A discrete-event network in virtual time: nodes (<see cref="ISimulatedNode"/>) attached at
/// addresses, one-way links between nodes or between addresses, each with latency, jitter, loss,
/// reordering, duplication, corruption, MTU, a bandwidth bottleneck and blackouts; every random choice
/// comes from streams derived from one seed, so a run replays exactly from its seed.
/// </summary>
/// <remarks>
/// Typical use:
/// <code>
/// var net = new SimulatedNetwork(seed);
/// SimNode a = net.AddNode("client", clientNode, clientAddress);
/// SimNode b = net.AddNode("server", serverNode, serverAddress);
/// SimLinkPair path = net.Connect(a, b, new LinkConditions { Latency = TimeSpan.FromMilliseconds(20), LossProbability = 0.01 });
/// Assert.True(net.RunUntil(() => clientNode.Done, TimeSpan.FromSeconds(30)));
/// </code>
/// Routing: a datagram goes to the node owning its destination address (public form) over the
/// address-to-address link for (source, destination) if one exists, else the node-to-node link; with
/// neither it is dropped as <see cref="SimDropCause.NoRoute"/>. Single-threaded; not thread-safe.
/// </remarks>
public sealed partial class SimulatedNetwork
{
    private const ulong LinkStreamBase = 1UL << 32;

    private readonly List<SimNode> _nodes = [];
    private readonly List<SimLink> _links = [];
    private readonly Dictionary<IPEndPoint, AddressBinding> _bindingByPublic = [];
    private readonly Dictionary<AddressPair, SimLink> _addressLinks = [];
    private readonly PriorityQueue<SimEvent, SimEventKey> _queue = new(1024);
    private readonly byte[] _pollBuffer = new byte[DatagramPool.MaxLength];
    private int _maxTransmitsPerPoll = 100_000;
    private int _maxTimeoutsPerInstant = 1_000;
    private long _maxEventsPerInstant = 1_000_000;

    /// <summary>A network at virtual time <paramref name="start"/> (default <see cref="Instant.Zero"/>).</summary>
    public SimulatedNetwork(long seed, Instant start = default)
    {
        Seed = seed;
        Now = start;
        _instantTicks = start.Ticks;
    }

    /// <summary>The seed every random choice derives from.</summary>
    public long Seed { get; }

    /// <summary>The current virtual time.</summary>
    public Instant Now { get; private set; }

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public IReadOnlyList<SimLink> Links => _links;

    /// <summary>Datagrams and timer events waiting in the queue.</summary>
    public int PendingEvents => _queue.Count;

    /// <summary>Livelock guard: datagrams one node may emit from one poll loop (default 100,000).</summary>
    public int MaxTransmitsPerPoll
    {
        get => _maxTransmitsPerPoll;
        set => _maxTransmitsPerPoll = Positive(value);
    }

    /// <summary>Livelock guard: timeouts one node may take at one instant (default 1,000).</summary>
    public int MaxTimeoutsPerInstant
    {
        get => _maxTimeoutsPerInstant;
        set => _maxTimeoutsPerInstant = Positive(value);
    }

    /// <summary>Livelock guard: events the network may process at one instant (default 1,000,000).</summary>
    public long MaxEventsPerInstant
    {
        get => _maxEventsPerInstant;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxEventsPerInstant = value;
        }
    }

    internal DatagramPool Pool { get; } = new();

    /// <summary>Invoked synchronously for every datagram sent, delivered or dropped.</summary>
    public event SimDatagramObserver? DatagramObserved;

    /// <summary>Attaches a node at the given addresses (more can be added later).</summary>
    public SimNode AddNode(string name, ISimulatedNode handler, params IPEndPoint[] addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(addresses);
        foreach (SimNode existing in _nodes)
        {
            if (string.Equals(existing.Name, name, StringComparison.Ordinal))
            {
                throw new ArgumentException($"A node named '{name}' already exists.", nameof(name));
            }
        }

        for (int i = 0; i < addresses.Length; i++)
        {
            if (addresses[i] is null)
            {
                throw new ArgumentException("An address is null.", nameof(addresses));
            }

            EnsureFree(addresses[i]);
            for (int j = 0; j < i; j++)
            {
                if (addresses[i].Equals(addresses[j]))
                {
                    throw new ArgumentException($"Address {addresses[i]} is listed twice.", nameof(addresses));
                }
            }
        }

        var node = new SimNode(_nodes.Count, name, handler);
        _nodes.Add(node);
        foreach (IPEndPoint address in addresses)
        {
            AddAddress(node, address);
        }

        return node;
    }

    /// <summary>Attaches another address to a node (a new interface, or the target of a migration).</summary>
    public void AddAddress(SimNode node, IPEndPoint address)
    {
        EnsureOwn(node);
        ArgumentNullException.ThrowIfNull(address);
        EnsureFree(address);
        if (node.FindByLocal(address) is not null)
        {
            throw new ArgumentException($"Node '{node.Name}' already has local address {address}.", nameof(address));
        }

        var binding = new AddressBinding(node, Copy(address), Copy(address));
        node.Bindings.Add(binding);
        _bindingByPublic.Add(binding.Public, binding);
    }

    /// <summary>
    /// Detaches a local address: datagrams to it (including those in flight) are dropped as
    /// <see cref="SimDropCause.NoRoute"/>, and datagrams the node sends from it as
    /// <see cref="SimDropCause.UnknownSource"/>.
    /// </summary>
    public void RemoveAddress(SimNode node, IPEndPoint localAddress)
    {
        EnsureOwn(node);
        AddressBinding binding = node.FindByLocal(localAddress)
            ?? throw new ArgumentException($"Node '{node.Name}' has no local address {localAddress}.", nameof(localAddress));
        node.Bindings.Remove(binding);
        _bindingByPublic.Remove(binding.Public);
    }

    /// <summary>
    /// NAT rebinding: the node keeps sending from and receiving at <paramref name="localAddress"/>, but
    /// the network now sees it as <paramref name="newPublicAddress"/>. Datagrams to the old public
    /// address, including those in flight, are dropped as <see cref="SimDropCause.NoRoute"/>.
    /// Address-to-address links are keyed by public addresses.
    /// </summary>
    public void Rebind(SimNode node, IPEndPoint localAddress, IPEndPoint newPublicAddress)
    {
        EnsureOwn(node);
        ArgumentNullException.ThrowIfNull(newPublicAddress);
        AddressBinding binding = node.FindByLocal(localAddress)
            ?? throw new ArgumentException($"Node '{node.Name}' has no local address {localAddress}.", nameof(localAddress));
        if (binding.Public.Equals(newPublicAddress))
        {
            return;
        }

        EnsureFree(newPublicAddress);
        _bindingByPublic.Remove(binding.Public);
        binding.Public = Copy(newPublicAddress);
        _bindingByPublic.Add(binding.Public, binding);
    }

    /// <summary>Adds a one-way link between two nodes, used for any pair of their addresses without an
    /// address link. The link uses <paramref name="conditions"/> itself, not a copy.</summary>
    public SimLink AddLink(SimNode from, SimNode to, LinkConditions conditions)
    {
        EnsureOwn(from);
        EnsureOwn(to);
        ArgumentNullException.ThrowIfNull(conditions);
        if (to.Index < from.OutLinks.Length && from.OutLinks[to.Index] is not null)
        {
            throw new InvalidOperationException($"A link {from.Name}->{to.Name} already exists.");
        }

        SimLink link = NewLink($"{from.Name}->{to.Name}", conditions);
        if (to.Index >= from.OutLinks.Length)
        {
            SimLink?[] grown = new SimLink?[Math.Max(to.Index + 1, from.OutLinks.Length * 2)];
            from.OutLinks.CopyTo(grown, 0);
            from.OutLinks = grown;
        }

        from.OutLinks[to.Index] = link;
        return link;
    }

    /// <summary>Adds a one-way link from one public address to another; it takes precedence over a node
    /// link. The link uses <paramref name="conditions"/> itself, not a copy.</summary>
    public SimLink AddLink(IPEndPoint from, IPEndPoint to, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(conditions);
        var key = new AddressPair(Copy(from), Copy(to));
        if (_addressLinks.ContainsKey(key))
        {
            throw new InvalidOperationException($"A link {from}->{to} already exists.");
        }

        SimLink link = NewLink(string.Create(CultureInfo.InvariantCulture, $"{from}->{to}"), conditions);
        _addressLinks.Add(key, link);
        return link;
    }

    /// <summary>Links two nodes both ways; each direction gets its own copy of <paramref name="conditions"/>.</summary>
    public SimLinkPair Connect(SimNode a, SimNode b, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return Connect(a, b, conditions, conditions);
    }

    /// <summary>Links two nodes both ways with separate conditions per direction (each copied).</summary>
    public SimLinkPair Connect(SimNode a, SimNode b, LinkConditions aToB, LinkConditions bToA)
    {
        ArgumentNullException.ThrowIfNull(aToB);
        ArgumentNullException.ThrowIfNull(bToA);
        return new SimLinkPair(AddLink(a, b, aToB.Clone()), AddLink(b, a, bToA.Clone()));
    }

    /// <summary>Links two public addresses both ways; each direction gets its own copy of <paramref name="conditions"/>.</summary>
    public SimLinkPair Connect(IPEndPoint a, IPEndPoint b, LinkConditions conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return new SimLinkPair(AddLink(a, b, conditions.Clone()), AddLink(b, a, conditions.Clone()));
    }

    /// <summary>The link a datagram from public address <paramref name="from"/> to <paramref name="to"/> would take now, or null.</summary>
    public SimLink? FindLink(IPEndPoint from, IPEndPoint to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (_addressLinks.TryGetValue(new AddressPair(from, to), out SimLink? link))
        {
            return link;
        }

        return _bindingByPublic.TryGetValue(from, out AddressBinding? source) && _bindingByPublic.TryGetValue(to, out AddressBinding? destination)
            ? NodeLink(source.Node, destination.Node)
            : null;
    }

    /// <summary>Runs <paramref name="action"/> at virtual time <paramref name="at"/> (e.g. change a link),
    /// then polls every node.</summary>
    public void Schedule(Instant at, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (at < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(at), at, $"Cannot schedule in the past (now {Now}).");
        }

        Enqueue(at.Ticks, SimEvent.Run(action));
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/> of virtual time.</summary>
    public void ScheduleAfter(TimeSpan delay, Action action)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        Schedule(Now + delay, action);
    }

    /// <summary>Polls <paramref name="node"/> at the current time (after a command given to it from an
    /// observer or scheduled action). Between runs this is unnecessary: every run starts by polling all nodes.</summary>
    public void Wake(SimNode node)
    {
        EnsureOwn(node);
        Enqueue(Now.Ticks, SimEvent.Wake(node));
    }

    /// <summary>A seed derived from the network's seed for <paramref name="stream"/>, for nodes that need
    /// their own randomness (connection IDs, packet number skips) and must replay with the network.</summary>
    public int DeriveSeed(int stream) => unchecked((int)SimRandom.Derive(Seed, (uint)stream));

    /// <summary>A <see cref="Random"/> seeded with <see cref="DeriveSeed"/>.</summary>
#pragma warning disable CA5394 // Deterministic test randomness, not security.
    public Random CreateRandom(int stream) => new(DeriveSeed(stream));
#pragma warning restore CA5394

    public override string ToString() => $"SimulatedNetwork(seed {Seed}, now {Now})";

    private static IPEndPoint Copy(IPEndPoint address) => new(address.Address, address.Port);

    private static int Positive(int value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
        return value;
    }

    private SimLink NewLink(string name, LinkConditions conditions)
    {
        var link = new SimLink(this, name, conditions, SimRandom.Derive(Seed, LinkStreamBase + (ulong)_links.Count));
        _links.Add(link);
        return link;
    }

    private void EnsureOwn(SimNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Index >= _nodes.Count || !ReferenceEquals(_nodes[node.Index], node))
        {
            throw new ArgumentException($"Node '{node.Name}' belongs to another network.", nameof(node));
        }
    }

    private void EnsureFree(IPEndPoint address)
    {
        if (_bindingByPublic.TryGetValue(address, out AddressBinding? owner))
        {
            throw new ArgumentException($"Address {address} is already used by node '{owner.Node.Name}'.", nameof(address));
        }
    }

    private static SimLink? NodeLink(SimNode from, SimNode to)
    {
        SimLink?[] links = from.OutLinks;
        return to.Index < links.Length ? links[to.Index] : null;
    }

    private readonly record struct AddressPair(IPEndPoint From, IPEndPoint To);
}

/// <summary>The two directions of a connection made by <see cref="SimulatedNetwork.Connect(SimNode, SimNode, LinkConditions)"/>.</summary>
public readonly record struct SimLinkPair(SimLink AToB, SimLink BToA);
