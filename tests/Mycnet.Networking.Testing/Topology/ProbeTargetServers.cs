using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Testing.Topology;

/// <summary>A UDP echo server (RFC 862 semantics) inside a namespace: every datagram goes back to its sender.</summary>
public sealed class UdpEchoServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task _loop;
    private long _echoed;

    private UdpEchoServer(Socket socket)
    {
        _socket = socket;
        _loop = RunAsync();
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Datagrams echoed so far.</summary>
    public long Echoed => Interlocked.Read(ref _echoed);

    /// <summary>Starts an echo server bound to <paramref name="endPoint"/> inside <paramref name="networkNamespace"/>.</summary>
    public static UdpEchoServer Start(NetworkNamespace networkNamespace, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        ArgumentNullException.ThrowIfNull(endPoint);
        Socket socket = networkNamespace.CreateSocket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endPoint);
            return new UdpEchoServer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        byte[] buffer = new byte[2048];
        EndPoint any = new IPEndPoint(_socket.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, 0);
        while (true)
        {
            try
            {
                SocketReceiveFromResult received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any).ConfigureAwait(false);
                await _socket.SendToAsync(buffer.AsMemory(0, received.ReceivedBytes), SocketFlags.None, received.RemoteEndPoint).ConfigureAwait(false);
                Interlocked.Increment(ref _echoed);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException)
            {
                // An ICMP error for an earlier reply (the sender went away); keep serving.
            }
        }
    }
}

/// <summary>A TCP server inside a namespace that accepts connections and closes them at once.</summary>
public sealed class TcpAcceptServer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly Task _loop;
    private long _accepted;

    private TcpAcceptServer(Socket socket)
    {
        _socket = socket;
        _loop = RunAsync();
    }

    /// <summary>Where it listens.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Connections accepted so far.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Starts a listener bound to <paramref name="endPoint"/> inside <paramref name="networkNamespace"/>.</summary>
    public static TcpAcceptServer Start(NetworkNamespace networkNamespace, IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        ArgumentNullException.ThrowIfNull(endPoint);
        Socket socket = networkNamespace.CreateSocket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endPoint);
            socket.Listen(512);
            return new TcpAcceptServer(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop.ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        while (true)
        {
            try
            {
                Socket accepted = await _socket.AcceptAsync().ConfigureAwait(false);
                accepted.Dispose();
                Interlocked.Increment(ref _accepted);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException)
            {
                // A connection reset before it was accepted; keep serving.
            }
        }
    }
}
