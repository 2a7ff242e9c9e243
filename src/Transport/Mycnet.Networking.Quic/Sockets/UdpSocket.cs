using System.Net;
using System.Net.Sockets;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// A bound UDP socket as the driver sees it: a send call that takes one datagram or a GSO batch,
/// and a receive loop that hands datagrams (or GRO batches) to an <see cref="IDatagramReceiver"/>.
/// </summary>
/// <remarks>
/// Two implementations, chosen by <see cref="UdpSocketFactory"/>: <see cref="PortableUdpSocket"/>
/// (plain <see cref="Socket"/> calls, everywhere) and <see cref="LinuxUdpSocket"/> (sendmsg with
/// UDP_SEGMENT, recvmmsg with UDP_GRO, packet info and ECN through control messages). Sends are
/// synchronous and may come from several connection workers at once; the receive loop runs alone.
/// </remarks>
internal abstract class UdpSocket : IDisposable
{
    private int _disposed;

    protected UdpSocket(Socket socket)
    {
        Socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        IsDualMode = socket.AddressFamily == AddressFamily.InterNetworkV6 && socket.DualMode;
    }

    /// <summary>The address and port the socket is bound to (possibly a wildcard address).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Whether an IPv6 socket also carries IPv4 (remote IPv4 peers appear as ::ffff:a.b.c.d).</summary>
    public bool IsDualMode { get; }

    /// <summary>The most datagrams one <see cref="Send"/> may carry (GSO); 1 without it.</summary>
    public abstract int MaxSegmentsPerSend { get; }

    /// <summary>Whether the receive loop gets GRO batches.</summary>
    public abstract bool ReceivesBatches { get; }

    /// <summary>A short description of the I/O path, for logs and tests ("portable", "linux gso gro").</summary>
    public abstract string Description { get; }

    /// <summary>Whether <see cref="Dispose()"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    protected Socket Socket { get; }

    /// <summary>
    /// Sends <paramref name="data"/> to <paramref name="remote"/>: one datagram, or datagrams of
    /// <paramref name="segmentSize"/> bytes back to back when it is smaller than the data.
    /// <paramref name="local"/> is the source address the engine chose, honoured where the platform
    /// allows. Errors the peer caused (unreachable) are ignored: QUIC treats the datagram as lost.
    /// </summary>
    public abstract void Send(ReadOnlySpan<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn);

    /// <summary>Receives until the socket is disposed, handing every datagram to <paramref name="receiver"/>.</summary>
    public abstract Task RunReceiveLoopAsync(IDatagramReceiver receiver);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Socket.Dispose();
        }
    }

    /// <summary>The form of <paramref name="remote"/> this socket sends to (IPv4 mapped on a dual-stack socket).</summary>
    protected IPEndPoint ToSocketFamily(IPEndPoint remote) =>
        IsDualMode && remote.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(remote.Address.MapToIPv6(), remote.Port) : remote;

    /// <summary>Whether a receive error means "nothing wrong with the socket" (ICMP reports of earlier sends).</summary>
    protected static bool IsTransientReceiveError(SocketError error) =>
        error is SocketError.ConnectionReset or SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable
            or SocketError.MessageSize or SocketError.Interrupted or SocketError.WouldBlock;
}
