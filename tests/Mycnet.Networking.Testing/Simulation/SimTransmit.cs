using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// What a node sends: <see cref="Length"/> bytes at the start of the poll buffer, from its local address
/// <see cref="Source"/> to <see cref="Destination"/>.
/// </summary>
/// <param name="Source">The node's own local address the datagram leaves from; must be one of its attached addresses.</param>
/// <param name="Destination">The address the datagram is sent to, as the network sees it.</param>
/// <param name="Length">The number of bytes written to the poll buffer.</param>
/// <param name="Ecn">The ECN codepoint to set in the IP header.</param>
/// <param name="SegmentSize">Zero for one datagram; otherwise a GSO batch: the buffer holds datagrams of
/// this size each (the last may be shorter), and the network carries them as separate datagrams.</param>
public readonly record struct SimTransmit(
    IPEndPoint Source,
    IPEndPoint Destination,
    int Length,
    EcnCodepoint Ecn = EcnCodepoint.NotEct,
    int SegmentSize = 0);
