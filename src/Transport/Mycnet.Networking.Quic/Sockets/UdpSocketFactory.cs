using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>Creates and binds the UDP socket of a listener or an outgoing connection, on the best I/O path available.</summary>
internal static class UdpSocketFactory
{
    /// <summary>
    /// Binds a socket to <paramref name="bindTo"/> (IPv6Any binds dual-stack) and wraps it.
    /// Bind failures become <see cref="QuicException"/> with <see cref="QuicError.AddressInUse"/> or
    /// <see cref="QuicError.InvalidAddress"/>.
    /// </summary>
    public static UdpSocket Create(IPEndPoint bindTo, QuicUdpOffload offload, bool isListener, Func<AddressFamily, Socket>? socketFactory = null)
    {
        Socket socket = socketFactory?.Invoke(bindTo.AddressFamily) ?? new Socket(bindTo.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (socket.SocketType != SocketType.Dgram || socket.AddressFamily != bindTo.AddressFamily)
        {
            socket.Dispose();
            throw new QuicException(QuicError.InvalidAddress, null, $"The socket factory must create a {bindTo.AddressFamily} datagram socket.");
        }

        try
        {
            if (bindTo.AddressFamily == AddressFamily.InterNetworkV6 && !socket.IsBound)
            {
                socket.DualMode = bindTo.Address.Equals(IPAddress.IPv6Any);
            }

            TrySetBufferSizes(socket);
            if (!socket.IsBound)
            {
                socket.Bind(bindTo);
            }
        }
        catch (SocketException e)
        {
            socket.Dispose();
            QuicError error = e.SocketErrorCode == SocketError.AddressAlreadyInUse ? QuicError.AddressInUse : QuicError.InvalidAddress;
            throw new QuicException(error, null, $"Cannot bind a UDP socket to {bindTo}: {e.Message}", e);
        }

        if (offload == QuicUdpOffload.Auto && LinuxUdpSocket.TryCreate(socket, isListener) is { } linux)
        {
            return linux;
        }

        return new PortableUdpSocket(socket, isListener);
    }

    private static void TrySetBufferSizes(Socket socket)
    {
        // Bursts at line rate overflow the default buffers (about 200 KiB); the kernel caps the request.
        try
        {
            socket.ReceiveBufferSize = 4 << 20;
            socket.SendBufferSize = 4 << 20;
        }
        catch (SocketException)
        {
            // Keep the defaults.
        }
    }
}
