using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>What happened to a datagram.</summary>
public enum SimDatagramEventKind
{
    /// <summary>A node emitted it (before the network touched it).</summary>
    Sent,

    /// <summary>The network handed it to the destination node (about to call HandleDatagram).</summary>
    Delivered,

    /// <summary>The network dropped it; see <see cref="SimDatagramEvent.DropCause"/>.</summary>
    Dropped,
}

/// <summary>Receives every datagram event of a <see cref="SimulatedNetwork"/>, synchronously, in order.</summary>
public delegate void SimDatagramObserver(SimDatagramEvent datagram);

/// <summary>
/// One datagram event. Valid only during the callback: <see cref="Datagram"/> points into the
/// simulator's buffers, which are reused.
/// </summary>
public readonly ref struct SimDatagramEvent
{
    internal SimDatagramEvent(
        SimDatagramEventKind kind,
        Instant time,
        IPEndPoint source,
        IPEndPoint destination,
        ReadOnlySpan<byte> datagram,
        EcnCodepoint ecn,
        SimNode sourceNode,
        SimNode? destinationNode,
        SimLink? link,
        SimDropCause dropCause)
    {
        Kind = kind;
        Time = time;
        Source = source;
        Destination = destination;
        Datagram = datagram;
        Ecn = ecn;
        SourceNode = sourceNode;
        DestinationNode = destinationNode;
        Link = link;
        DropCause = dropCause;
    }

    public SimDatagramEventKind Kind { get; }

    /// <summary>The virtual time of the event.</summary>
    public Instant Time { get; }

    /// <summary>The sender's address as the network sees it (after NAT); for a datagram from an unknown
    /// source, the address the node gave.</summary>
    public IPEndPoint Source { get; }

    /// <summary>The address the datagram was sent to.</summary>
    public IPEndPoint Destination { get; }

    /// <summary>The bytes: as sent for <see cref="SimDatagramEventKind.Sent"/>, as delivered (possibly
    /// corrupted) for <see cref="SimDatagramEventKind.Delivered"/>.</summary>
    public ReadOnlySpan<byte> Datagram { get; }

    public int Length => Datagram.Length;

    public EcnCodepoint Ecn { get; }

    public SimNode SourceNode { get; }

    /// <summary>The receiving node, when known.</summary>
    public SimNode? DestinationNode { get; }

    /// <summary>The link, once the route is known.</summary>
    public SimLink? Link { get; }

    /// <summary>Meaningful only for <see cref="SimDatagramEventKind.Dropped"/>.</summary>
    public SimDropCause DropCause { get; }
}
