using System.Net;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>Where a socket's receive loop delivers datagrams (the endpoint driver).</summary>
internal interface IDatagramReceiver
{
    /// <summary>
    /// One datagram, or with GRO several of <paramref name="segmentSize"/> bytes back to back (the
    /// last may be shorter), all from <paramref name="remote"/> to <paramref name="local"/>. The
    /// bytes belong to the socket and are reused after the call returns.
    /// </summary>
    void OnDatagrams(Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn);
}
