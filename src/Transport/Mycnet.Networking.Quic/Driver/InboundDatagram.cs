using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// A received datagram (or a GRO batch of equal-size datagrams) waiting for its connection's
/// worker, in a buffer from the endpoint's <see cref="InboundBufferPool"/>, returned once processed.
/// </summary>
internal readonly record struct InboundDatagram(byte[] Buffer, int Length, int SegmentSize, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn);
