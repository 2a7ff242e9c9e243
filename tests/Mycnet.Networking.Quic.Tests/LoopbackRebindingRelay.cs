using System.Net;
using System.Net.Sockets;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>
/// A UDP relay on loopback between a client and a server that can move its server-facing side to
/// a new port: to the server it looks like the client's NAT rebinding (RFC 9000 §9.3). Datagrams
/// the server still sends to the old port are lost, as behind a real NAT.
/// </summary>
internal sealed class LoopbackRebindingRelay : IAsyncDisposable
{
    private readonly Socket _front;
    private readonly IPEndPoint _server;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _loops = [];
    private Socket _back;
    private EndPoint? _client;

    public LoopbackRebindingRelay(IPEndPoint server)
    {
        _server = server;
        _front = Bind();
        _back = Bind();
        _loops.Add(ForwardToServerAsync());
        _loops.Add(ForwardToClientAsync(_back));
    }

    /// <summary>Where the client sends.</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_front.LocalEndPoint!;

    /// <summary>The address the server sees the client at now.</summary>
    public IPEndPoint ServerSideEndPoint => (IPEndPoint)Volatile.Read(ref _back).LocalEndPoint!;

    /// <summary>Moves the server-facing side to a new port; the old one is closed.</summary>
    public void Rebind()
    {
        Socket fresh = Bind();
        Socket old = Interlocked.Exchange(ref _back, fresh);
        _loops.Add(ForwardToClientAsync(fresh));
        old.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _front.Dispose();
        Volatile.Read(ref _back).Dispose();
        await Task.WhenAll(_loops);
        _stopping.Dispose();
    }

    private static Socket Bind()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private async Task ForwardToServerAsync()
    {
        byte[] buffer = new byte[65536];
        while (await ReceiveAsync(_front, buffer) is { } received)
        {
            Volatile.Write(ref _client, received.RemoteEndPoint);
            await SendAsync(Volatile.Read(ref _back), buffer.AsMemory(0, received.ReceivedBytes), _server);
        }
    }

    private async Task ForwardToClientAsync(Socket back)
    {
        byte[] buffer = new byte[65536];
        while (await ReceiveAsync(back, buffer) is { } received)
        {
            if (Volatile.Read(ref _client) is { } client)
            {
                await SendAsync(_front, buffer.AsMemory(0, received.ReceivedBytes), client);
            }
        }
    }

    /// <summary>The next datagram, or null once the socket is closed or the relay stops.</summary>
    private async Task<SocketReceiveFromResult?> ReceiveAsync(Socket socket, byte[] buffer)
    {
        try
        {
            return await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stopping.Token);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
        {
            return null;
        }
    }

    private async Task SendAsync(Socket socket, ReadOnlyMemory<byte> datagram, EndPoint to)
    {
        try
        {
            await socket.SendToAsync(datagram, SocketFlags.None, to, _stopping.Token);
        }
        catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or SocketException)
        {
            // The socket was rebound away or the relay stops: the datagram is lost, as on a real path.
        }
    }
}
