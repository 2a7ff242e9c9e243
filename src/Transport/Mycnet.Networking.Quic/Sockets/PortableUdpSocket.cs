using System.Net;
using System.Net.Sockets;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// The portable I/O path: one datagram per <see cref="Socket"/> call. A listener bound to a
/// wildcard address learns each datagram's local address from
/// <see cref="Socket.ReceiveMessageFromAsync(Memory{byte}, SocketFlags, EndPoint, CancellationToken)"/>
/// (which allocates per datagram); other sockets use the bound address and the allocation-free
/// <see cref="Socket.ReceiveFromAsync(Memory{byte}, SocketFlags, SocketAddress, CancellationToken)"/>.
/// The source address of a send is the socket's (no per-datagram choice) and no ECN mark is set or read.
/// </summary>
internal sealed class PortableUdpSocket : UdpSocket
{
    /// <summary>The largest UDP payload (RFC 9000 §18.2's max_udp_payload_size limit).</summary>
    private const int MaxDatagramSize = 65527;

    [ThreadStatic]
    private static SendAddressCache? t_sendCache;

    private readonly EndPoint _anyRemote;

    private readonly bool _needsPacketInformation;

    /// <param name="socket">The bound socket.</param>
    /// <param name="isListener">
    /// A listener bound to a wildcard address needs each datagram's local address (to answer from
    /// it); an outgoing connection's socket does not (the engine treats its wildcard address as any).
    /// </param>
    public PortableUdpSocket(Socket socket, bool isListener)
        : base(socket)
    {
        _needsPacketInformation = isListener && (LocalEndPoint.Address.Equals(IPAddress.Any) || LocalEndPoint.Address.Equals(IPAddress.IPv6Any));
        _anyRemote = socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
    }

    public override int MaxSegmentsPerSend => 1;

    public override bool ReceivesBatches => false;

    public override string Description => "portable";

    public override void Send(ReadOnlySpan<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        SocketAddress address = (t_sendCache ??= new SendAddressCache()).Get(this, remote);
        int segment = segmentSize <= 0 || segmentSize > data.Length ? data.Length : segmentSize;
        for (int offset = 0; offset < data.Length; offset += segment)
        {
            ReadOnlySpan<byte> datagram = data.Slice(offset, Math.Min(segment, data.Length - offset));
            try
            {
                Socket.SendTo(datagram, SocketFlags.None, address);
            }
            catch (SocketException e) when (IsTransientReceiveError(e.SocketErrorCode) || e.SocketErrorCode is SocketError.NoBufferSpaceAvailable or SocketError.AddressNotAvailable)
            {
                // The datagram is lost; QUIC's loss recovery resends what mattered.
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }
    }

    public override Task RunReceiveLoopAsync(IDatagramReceiver receiver) =>
        _needsPacketInformation ? ReceiveWithPacketInformationAsync(receiver) : ReceiveFromAsync(receiver);

    /// <summary>
    /// No packet information needed: the bound address stands for every datagram's local address, so the
    /// allocation-free <see cref="Socket.ReceiveFromAsync(Memory{byte}, SocketFlags, SocketAddress, CancellationToken)"/>
    /// suffices, with source addresses mapped through a cache.
    /// </summary>
    private async Task ReceiveFromAsync(IDatagramReceiver receiver)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize);
        var address = new SocketAddress(Socket.AddressFamily);
        var remotes = new EndPointCache();
        while (!IsDisposed)
        {
            int received;
            try
            {
                received = await Socket.ReceiveFromAsync(buffer, SocketFlags.None, address).ConfigureAwait(false);
            }
            catch (SocketException e) when (IsTransientReceiveError(e.SocketErrorCode))
            {
                continue;
            }
            catch (SocketException) when (IsDisposed)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if (received > 0 && TryGetRemote(address, remotes, out IPEndPoint? remote))
            {
                receiver.OnDatagrams(buffer.AsSpan(0, received), received, LocalEndPoint, remote, EcnCodepoint.NotEct);
            }
        }
    }

    /// <summary>A socket bound to a wildcard address: each datagram's local address comes from packet information.</summary>
    private async Task ReceiveWithPacketInformationAsync(IDatagramReceiver receiver)
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(MaxDatagramSize);
        IPEndPoint local = LocalEndPoint;
        while (!IsDisposed)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await Socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, _anyRemote).ConfigureAwait(false);
            }
            catch (SocketException e) when (IsTransientReceiveError(e.SocketErrorCode))
            {
                continue;
            }
            catch (SocketException) when (IsDisposed)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            if ((result.SocketFlags & SocketFlags.Truncated) != 0 || result.ReceivedBytes == 0)
            {
                continue;
            }

            IPAddress? packetAddress = result.PacketInformation.Address;
            if (packetAddress is not null && !packetAddress.Equals(IPAddress.None) && !packetAddress.Equals(IPAddress.Any))
            {
                if (IsDualMode && packetAddress.AddressFamily == AddressFamily.InterNetwork)
                {
                    packetAddress = packetAddress.MapToIPv6();
                }

                if (!packetAddress.Equals(local.Address))
                {
                    local = new IPEndPoint(packetAddress, LocalEndPoint.Port);
                }
            }
            else
            {
                local = LocalEndPoint;
            }

            receiver.OnDatagrams(buffer.AsSpan(0, result.ReceivedBytes), result.ReceivedBytes, local, (IPEndPoint)result.RemoteEndPoint, EcnCodepoint.NotEct);
        }
    }

    private static bool TryGetRemote(SocketAddress address, EndPointCache cache, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? remote)
    {
        if (OperatingSystem.IsLinux() && SocketAddressCodec.TryReadKey(address.Buffer.Span[..address.Size], out RawAddressKey key))
        {
            remote = cache.Get(key);
            return true;
        }

        // Elsewhere the address layout differs: let .NET decode it.
        remote = new IPEndPoint(IPAddress.Any, 0).Create(address) as IPEndPoint;
        return remote is not null;
    }

    /// <summary>The last destination serialized per sending thread, so steady sends allocate nothing.</summary>
    private sealed class SendAddressCache
    {
        private PortableUdpSocket? _socket;
        private IPEndPoint? _remote;
        private SocketAddress? _address;

        public SocketAddress Get(PortableUdpSocket socket, IPEndPoint remote)
        {
            if (!ReferenceEquals(_socket, socket) || !ReferenceEquals(_remote, remote))
            {
                _socket = socket;
                _remote = remote;
                _address = socket.ToSocketFamily(remote).Serialize();
            }

            return _address!;
        }
    }
}
