using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// One unit of output from <see cref="Connection.TryPollTransmit"/> or the endpoint: the first
/// <see cref="Length"/> bytes of the caller's buffer, to be sent from <see cref="Local"/> to
/// <see cref="Remote"/>. The core picks the source address of every datagram, which is how paths,
/// migration and multipath stay in the core.
/// </summary>
/// <remarks>
/// When <see cref="SegmentSize"/> is smaller than <see cref="Length"/>, the buffer holds several
/// datagrams back to back, each <see cref="SegmentSize"/> bytes except possibly the last: a driver
/// sends them with one UDP_SEGMENT (GSO) call or one by one.
/// </remarks>
internal readonly record struct Transmit(IPEndPoint Local, IPEndPoint Remote, int Length, int SegmentSize, EcnCodepoint Ecn)
{
    /// <summary>The number of datagrams in the buffer.</summary>
    public int DatagramCount => SegmentSize <= 0 ? 1 : (Length + SegmentSize - 1) / SegmentSize;
}
