using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Mycnet.Networking.Quic.Core.Wire;
using static Mycnet.Networking.Quic.Sockets.LinuxSocketNative;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// The Linux I/O path: sendmsg with a UDP_SEGMENT control message sends a whole GSO batch of
/// equal-size datagrams in one call; recvmmsg with UDP_GRO receives many datagrams per call, and
/// control messages carry each datagram's local address (IP_PKTINFO / IPV6_PKTINFO, so the engine
/// knows which address a peer reached) and ECN bits (IP_TOS / IPV6_TCLASS), and on send the source
/// address the engine chose and the ECN mark.
/// </summary>
/// <remarks>
/// <para>The socket stays a .NET <see cref="Socket"/>: the receive loop waits for readability with
/// a zero-byte MSG_PEEK receive on .NET's event loop (no thread blocks), then drains the queue with
/// non-blocking recvmmsg until it is empty. Sends are synchronous non-blocking sendmsg calls from
/// the connection workers; when the kernel's send buffer is full the worker waits in poll for room
/// (bounded) rather than dropping. If the kernel rejects a GSO send (EIO: no segmentation offload on
/// the route's device), GSO is switched off for the socket and the batch goes out datagram by
/// datagram.</para>
/// <para>Each call holds a reference on the socket's handle, so the descriptor cannot be closed
/// and reused under a call.</para>
/// </remarks>
internal sealed unsafe partial class LinuxUdpSocket : UdpSocket
{
    /// <summary>GSO segments per send: the kernel's UDP_MAX_SEGMENTS on older kernels.</summary>
    public const int MaxGsoSegments = 64;

    /// <summary>How long a send waits for room in the kernel's buffer before the datagram is dropped.</summary>
    private const int SendWaitMilliseconds = 200;

    private readonly bool _ipv6Socket;
    private readonly bool _boundToWildcard;
    private readonly bool _gro;
    private volatile bool _gso;
    private ReceiveRegistration? _registration;

    private LinuxUdpSocket(Socket socket, bool gso, bool gro)
        : base(socket)
    {
        _ipv6Socket = socket.AddressFamily == AddressFamily.InterNetworkV6;
        _boundToWildcard = LocalEndPoint.Address.Equals(IPAddress.Any) || LocalEndPoint.Address.Equals(IPAddress.IPv6Any);
        _gso = gso;
        _gro = gro;
        ReceiveMessageCount = 1;
    }

    public override int MaxSegmentsPerSend => _gso ? MaxGsoSegments : 1;

    public override bool ReceivesBatches => _gro;

    public override string Description => $"linux{(_gso ? " gso" : string.Empty)}{(_gro ? " gro" : string.Empty)} recvmmsg";

    /// <summary>
    /// Datagrams (or GRO batches, 64 KiB of buffer each) one recvmmsg call may return: 8 for a
    /// listener, which serves many peers; 1 for an outgoing connection's own socket, where GRO
    /// already batches and memory per connection matters.
    /// </summary>
    public int ReceiveMessageCount { get; private init; }

    /// <summary>
    /// Sets up <paramref name="socket"/> for the Linux path; null when a required option is refused
    /// (the caller then uses the portable path).
    /// </summary>
    public static LinuxUdpSocket? TryCreate(Socket socket, bool isListener)
    {
        if (!LinuxUdpOffload.IsNativeAvailable)
        {
            return null;
        }

        bool ok;
        bool gro = false;
        bool added = false;
        SafeHandle handle = socket.SafeHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            bool ipv6 = socket.AddressFamily == AddressFamily.InterNetworkV6;
            bool dual = ipv6 && socket.DualMode;
            ok = true;
            if (!ipv6 || dual)
            {
                ok &= TrySetInt(fd, SolIp, IpPktInfo, 1);
                ok &= TrySetInt(fd, SolIp, IpRecvTos, 1);
                _ = TrySetInt(fd, SolIp, IpMtuDiscover, IpPmtuDiscProbe); // DF on, for path MTU discovery (RFC 9000 §14).
            }

            if (ipv6)
            {
                ok &= TrySetInt(fd, SolIpv6, Ipv6RecvPktInfo, 1);
                ok &= TrySetInt(fd, SolIpv6, Ipv6RecvTclass, 1);
                _ = TrySetInt(fd, SolIpv6, Ipv6MtuDiscover, Ipv6PmtuDiscProbe);
            }

            if (ok && LinuxUdpOffload.IsGroSupported)
            {
                gro = TrySetInt(fd, SolUdp, UdpGro, 1);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or ObjectDisposedException)
        {
            ok = false;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }

        return ok ? new LinuxUdpSocket(socket, LinuxUdpOffload.IsGsoSupported, gro) { ReceiveMessageCount = isListener ? 8 : 1 } : null;
    }

    public override unsafe void Send(ReadOnlySpan<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        if (data.IsEmpty)
        {
            return;
        }

        bool segmented = segmentSize > 0 && segmentSize < data.Length;
        if (segmented && !_gso)
        {
            SendOneByOne(data, segmentSize, local, remote, ecn);
            return;
        }

        byte* name = stackalloc byte[SockAddrIn6Size];
        int nameLength = SocketAddressCodec.Write(remote, _ipv6Socket, new Span<byte>(name, SockAddrIn6Size));
        bool ipv4Path = !_ipv6Socket || remote.AddressFamily == AddressFamily.InterNetwork || remote.Address.IsIPv4MappedToIPv6;

        // Room for UDP_SEGMENT, the ECN mark and the source address.
        int controlCapacity = CmsgSpace(sizeof(ushort)) + CmsgSpace(sizeof(int)) + CmsgSpace(20);
        byte* control = stackalloc byte[controlCapacity];
        new Span<byte>(control, controlCapacity).Clear();
        int controlLength = 0;
        if (segmented)
        {
            controlLength += WriteControl(control + controlLength, SolUdp, UdpSegment, sizeof(ushort), out byte* value);
            *(ushort*)value = (ushort)segmentSize;
        }

        if (ecn != EcnCodepoint.NotEct)
        {
            // RFC 9000 §13.4: the two low bits of TOS / Traffic Class.
            controlLength += ipv4Path
                ? WriteControl(control + controlLength, SolIp, IpTos, sizeof(int), out byte* tos)
                : WriteControl(control + controlLength, SolIpv6, Ipv6Tclass, sizeof(int), out tos);
            *(int*)tos = (int)ecn;
        }

        if (_boundToWildcard && !IsWildcard(local.Address))
        {
            controlLength += WriteSourceAddress(control + controlLength, local.Address);
        }

        fixed (byte* payload = data)
        {
            IoVec iov = new() { Base = payload, Length = (nuint)data.Length };
            MsgHdr message = new()
            {
                Name = name,
                NameLength = (uint)nameLength,
                Iov = &iov,
                IovLength = 1,
                Control = controlLength > 0 ? control : null,
                ControlLength = (nuint)controlLength,
            };

            int error = SendMessage(&message);
            if (error == EIo && segmented)
            {
                // The route's device cannot segment: stop using GSO on this socket.
                _gso = false;
                SendOneByOne(data, segmentSize, local, remote, ecn);
            }
        }
    }

    private void SendOneByOne(ReadOnlySpan<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        for (int offset = 0; offset < data.Length; offset += segmentSize)
        {
            Send(data.Slice(offset, Math.Min(segmentSize, data.Length - offset)), 0, local, remote, ecn);
        }
    }

    /// <summary>sendmsg, waiting for room when the send buffer is full; returns 0 or the errno that was not handled.</summary>
    private unsafe int SendMessage(MsgHdr* message)
    {
        bool added = false;
        SafeHandle handle = Socket.SafeHandle;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            long waitedSince = 0;
            while (true)
            {
                if (SendMsg(fd, message, MsgDontWait) >= 0)
                {
                    return 0;
                }

                int errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                if (errno != EAgain)
                {
                    // Unreachable peers, a probe larger than the path (EMSGSIZE): the datagram is lost,
                    // and QUIC's recovery deals with it.
                    return errno;
                }

                if (waitedSince == 0)
                {
                    waitedSince = Environment.TickCount64;
                }
                else if (Environment.TickCount64 - waitedSince > SendWaitMilliseconds)
                {
                    return errno;
                }

                PollFd poll = new() { Fd = fd, Events = PollOut };
                _ = Poll(&poll, 1, SendWaitMilliseconds);
            }
        }
        catch (ObjectDisposedException)
        {
            return 0;
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private unsafe int WriteSourceAddress(byte* control, IPAddress source)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (!_ipv6Socket)
        {
            // struct in_pktinfo { int ipi_ifindex; in_addr ipi_spec_dst; in_addr ipi_addr; }
            int length = WriteControl(control, SolIp, IpPktInfo, 12, out byte* info);
            (source.IsIPv4MappedToIPv6 ? source.MapToIPv4() : source).TryWriteBytes(bytes, out _);
            bytes[..4].CopyTo(new Span<byte>(info + 4, 4));
            return length;
        }

        // struct in6_pktinfo { in6_addr ipi6_addr; int ipi6_ifindex; }; IPv4 sources as ::ffff:a.b.c.d,
        // which Linux accepts for IPv4 destinations on a dual-stack socket.
        int length6 = WriteControl(control, SolIpv6, Ipv6PktInfo, 20, out byte* info6);
        IPAddress address = source.AddressFamily == AddressFamily.InterNetwork ? source.MapToIPv6() : source;
        address.TryWriteBytes(new Span<byte>(info6, 16), out _);
        return length6;
    }

    private static unsafe int WriteControl(byte* at, int level, int type, int dataLength, out byte* data)
    {
        *(nuint*)at = (nuint)CmsgLength(dataLength);
        *(int*)(at + sizeof(nuint)) = level;
        *(int*)(at + sizeof(nuint) + 4) = type;
        data = at + CmsgHeaderSize;
        return CmsgSpace(dataLength);
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
}
