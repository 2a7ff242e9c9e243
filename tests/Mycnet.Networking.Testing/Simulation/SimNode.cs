using System.Net;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// A node attached to a <see cref="SimulatedNetwork"/>: an <see cref="ISimulatedNode"/>, its addresses
/// and its counters. Created by <see cref="SimulatedNetwork.AddNode"/>.
/// </summary>
/// <remarks>
/// Each address has a local form (what the node itself sees and sends from) and a public form (what
/// the rest of the network sees). They are equal until <see cref="SimulatedNetwork.Rebind"/> models a
/// NAT rebinding by changing the public form only.
/// </remarks>
public sealed class SimNode
{
    private readonly List<AddressBinding> _bindings = [];

    internal SimNode(int index, string name, ISimulatedNode handler)
    {
        Index = index;
        Name = name;
        Handler = handler;
    }

    public string Name { get; }

    /// <summary>The state machine this node drives.</summary>
    public ISimulatedNode Handler { get; }

    public SimNodeCounters Counters { get; } = new();

    /// <summary>The node's first local address.</summary>
    public IPEndPoint Address =>
        _bindings.Count > 0 ? _bindings[0].Local : throw new InvalidOperationException($"Node '{Name}' has no address.");

    /// <summary>The node's local addresses, in the order they were attached.</summary>
    public IReadOnlyList<IPEndPoint> LocalAddresses
    {
        get
        {
            var addresses = new IPEndPoint[_bindings.Count];
            for (int i = 0; i < addresses.Length; i++)
            {
                addresses[i] = _bindings[i].Local;
            }

            return addresses;
        }
    }

    internal int Index { get; }

    internal List<AddressBinding> Bindings => _bindings;

    /// <summary>Outgoing node-to-node links, indexed by the destination node's index.</summary>
    internal SimLink?[] OutLinks { get; set; } = [];

    // Timer bookkeeping: the earliest timer event queued for this node and its generation; a timer
    // event of an older generation was superseded by an earlier one and is skipped when it fires.
    internal long TimerGeneration { get; set; }

    internal long TimerPendingTicks { get; set; } = long.MaxValue;

    // Livelock guard: HandleTimeout calls at one instant.
    internal long LastTimeoutTicks { get; set; } = long.MinValue;

    internal int TimeoutsThisInstant { get; set; }

    /// <summary>How the network sees <paramref name="localAddress"/> (differs after a NAT rebinding).</summary>
    public IPEndPoint GetPublicAddress(IPEndPoint localAddress) =>
        FindByLocal(localAddress)?.Public
        ?? throw new ArgumentException($"Node '{Name}' has no local address {localAddress}.", nameof(localAddress));

    public override string ToString() => Name;

    internal AddressBinding? FindByLocal(IPEndPoint local)
    {
        List<AddressBinding> bindings = _bindings;
        for (int i = 0; i < bindings.Count; i++)
        {
            if (ReferenceEquals(bindings[i].Local, local))
            {
                return bindings[i];
            }
        }

        for (int i = 0; i < bindings.Count; i++)
        {
            if (bindings[i].Local.Equals(local))
            {
                return bindings[i];
            }
        }

        return null;
    }
}

/// <summary>One address of a node: its local form and its public (post-NAT) form.</summary>
internal sealed class AddressBinding(SimNode node, IPEndPoint local, IPEndPoint publicAddress)
{
    public SimNode Node { get; } = node;

    public IPEndPoint Local { get; } = local;

    public IPEndPoint Public { get; set; } = publicAddress;
}
