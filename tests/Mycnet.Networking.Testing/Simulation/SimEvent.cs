using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

internal enum SimEventKind : byte
{
    /// <summary>A datagram arrives at the end of a link.</summary>
    Deliver,

    /// <summary>A node's deadline may have come.</summary>
    Timer,

    /// <summary>Poll a node for transmits and refresh its deadline.</summary>
    Wake,

    /// <summary>Run a scheduled test action.</summary>
    Action,
}

/// <summary>An entry of the simulator's event queue. A struct, so queuing allocates nothing.</summary>
internal readonly struct SimEvent
{
    public readonly SimEventKind Kind;
    public readonly EcnCodepoint Ecn;
    public readonly int Length;
    public readonly long Generation;

    /// <summary>Deliver: the sending node; Timer and Wake: the node to drive.</summary>
    public readonly SimNode? Node;
    public readonly SimLink? Link;
    public readonly IPEndPoint? Source;
    public readonly IPEndPoint? Destination;
    public readonly byte[]? Buffer;
    public readonly Action? Action;

    private SimEvent(
        SimEventKind kind,
        SimNode? node,
        long generation = 0,
        SimLink? link = null,
        IPEndPoint? source = null,
        IPEndPoint? destination = null,
        byte[]? buffer = null,
        int length = 0,
        EcnCodepoint ecn = EcnCodepoint.NotEct,
        Action? action = null)
    {
        Kind = kind;
        Node = node;
        Generation = generation;
        Link = link;
        Source = source;
        Destination = destination;
        Buffer = buffer;
        Length = length;
        Ecn = ecn;
        Action = action;
    }

    public static SimEvent Deliver(SimNode sender, SimLink link, IPEndPoint source, IPEndPoint destination, byte[] buffer, int length, EcnCodepoint ecn) =>
        new(SimEventKind.Deliver, sender, 0, link, source, destination, buffer, length, ecn);

    public static SimEvent Timer(SimNode node, long generation) => new(SimEventKind.Timer, node, generation);

    public static SimEvent Wake(SimNode node) => new(SimEventKind.Wake, node);

    public static SimEvent Run(Action action) => new(SimEventKind.Action, null, action: action);
}

/// <summary>Orders events by time, then by the order they were queued, so ties replay deterministically.</summary>
internal readonly record struct SimEventKey(long Ticks, long Sequence) : IComparable<SimEventKey>
{
    public static bool operator <(SimEventKey left, SimEventKey right) => left.CompareTo(right) < 0;

    public static bool operator >(SimEventKey left, SimEventKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(SimEventKey left, SimEventKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(SimEventKey left, SimEventKey right) => left.CompareTo(right) >= 0;

    public int CompareTo(SimEventKey other)
    {
        int byTime = Ticks.CompareTo(other.Ticks);
        return byTime != 0 ? byTime : Sequence.CompareTo(other.Sequence);
    }
}
