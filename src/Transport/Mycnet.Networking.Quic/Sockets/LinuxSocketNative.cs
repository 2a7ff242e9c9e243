using System.Runtime.InteropServices;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// The few libc calls and structures the Linux I/O path needs (sendmsg, recvmmsg, setsockopt,
/// getsockopt, poll), declared for 64-bit and 32-bit Linux alike: sizes follow the C layouts with
/// <see cref="nuint"/> for size_t and natural alignment.
/// </summary>
internal static unsafe partial class LinuxSocketNative
{
    public const int SolIp = 0;
    public const int SolSocket = 1;
    public const int SolUdp = 17;
    public const int SolIpv6 = 41;

    public const int IpTos = 1;
    public const int IpPktInfo = 8;
    public const int IpMtuDiscover = 10;
    public const int IpRecvTos = 13;
    public const int IpPmtuDiscProbe = 3;

    public const int Ipv6MtuDiscover = 23;
    public const int Ipv6RecvPktInfo = 49;
    public const int Ipv6PktInfo = 50;
    public const int Ipv6RecvTclass = 66;
    public const int Ipv6Tclass = 67;
    public const int Ipv6PmtuDiscProbe = 3;

    public const int UdpSegment = 103;
    public const int UdpGro = 104;

    public const int MsgCtrunc = 0x08;
    public const int MsgTrunc = 0x20;
    public const int MsgDontWait = 0x40;

    public const int EIntr = 4;
    public const int EIo = 5;
    public const int EAgain = 11;
    public const int EInval = 22;
    public const int EMsgSize = 90;

    public const short PollOut = 0x004;

    public const ushort AfInet = 2;
    public const ushort AfInet6 = 10;

    /// <summary>sizeof(struct sockaddr_in6), the larger of the two socket address forms.</summary>
    public const int SockAddrIn6Size = 28;

    /// <summary>sizeof(struct sockaddr_in).</summary>
    public const int SockAddrInSize = 16;

    /// <summary>sizeof(struct cmsghdr): size_t length, int level, int type.</summary>
    public static int CmsgHeaderSize => CmsgAlign(sizeof(nuint) + 8);

    /// <summary>CMSG_ALIGN: control messages are aligned to size_t.</summary>
    public static int CmsgAlign(int length) => (length + sizeof(nuint) - 1) & ~(sizeof(nuint) - 1);

    /// <summary>CMSG_SPACE: the room one control message with <paramref name="dataLength"/> bytes takes.</summary>
    public static int CmsgSpace(int dataLength) => CmsgHeaderSize + CmsgAlign(dataLength);

    /// <summary>CMSG_LEN: the cmsg_len of a control message with <paramref name="dataLength"/> bytes.</summary>
    public static int CmsgLength(int dataLength) => CmsgHeaderSize + dataLength;

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int socket, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmmsg", SetLastError = true)]
    public static partial int RecvMMsg(int socket, MMsgHdr* messages, uint count, int flags, void* timeout);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int socket, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int socket, int level, int name, void* value, uint* length);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    /// <summary>Sets an int socket option; true on success.</summary>
    public static bool TrySetInt(int socket, int level, int name, int value) => SetSockOpt(socket, level, name, &value, sizeof(int)) == 0;

    /// <summary>Reads an int socket option; true on success.</summary>
    public static bool TryGetInt(int socket, int level, int name, out int value)
    {
        int v = 0;
        uint length = sizeof(int);
        bool ok = GetSockOpt(socket, level, name, &v, &length) == 0;
        value = v;
        return ok;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
