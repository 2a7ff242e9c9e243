using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// A participant in a <see cref="SimulatedNetwork"/>: a sans-IO state machine driven by datagrams and
/// timeouts in virtual time. The QUIC engine's endpoint or connection is adapted to this interface.
/// </summary>
/// <remarks>
/// Call order, per node, all on the simulator's thread:
/// <list type="number">
/// <item>An input: <see cref="HandleDatagram"/> when a datagram arrives, or <see cref="HandleTimeout"/>
/// when the virtual time reaches <see cref="GetNextDeadline"/>.</item>
/// <item><see cref="TryPollTransmit"/> repeatedly, until it returns <see langword="false"/>.</item>
/// <item><see cref="GetNextDeadline"/>, to schedule the next timeout.</item>
/// </list>
/// The same poll-then-deadline step also runs at the start of every <c>Run*</c> call and after
/// <see cref="SimulatedNetwork.Wake"/> and scheduled actions, so commands a test issues between runs
/// (open a stream, write, migrate) get their datagrams out.
/// The <see cref="IPEndPoint"/> instances passed in belong to the simulator and are reused; a node may
/// keep them but must not mutate them.
/// </remarks>
public interface ISimulatedNode
{
    /// <summary>A datagram arrived at <paramref name="local"/> (this node's own view of its address) from
    /// <paramref name="remote"/> (the sender's address as the network sees it, after any NAT).</summary>
    void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn);

    /// <summary>Virtual time reached the deadline this node last reported.</summary>
    void HandleTimeout(Instant now);

    /// <summary>
    /// Writes the next datagram (or, with <see cref="SimTransmit.SegmentSize"/>, a GSO batch of
    /// datagrams) to send into <paramref name="buffer"/>, starting at index 0.
    /// </summary>
    bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit);

    /// <summary>When this node next needs <see cref="HandleTimeout"/>; <see cref="Instant.MaxValue"/> for never.</summary>
    Instant GetNextDeadline();
}
