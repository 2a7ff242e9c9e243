using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Watches rtnetlink for link changes, address changes and main-table default-route changes and reports
/// each burst as "changed", so the manager rescans within its debounce of a link going up or down.
/// </summary>
/// <remarks>
/// The socket is opened with P/Invoke (the BCL does not create netlink sockets) in the manager's
/// network context, so it listens to the namespace the manager serves; it is then wrapped in a
/// <see cref="Socket"/> for asynchronous receives. Route messages of other tables (including the
/// manager's own policy tables) are ignored, so the manager's switches do not trigger rescans.
/// </remarks>
internal sealed class RtnetlinkChangeSource : ILinkChangeSource
{
    private const int AfNetlink = 16;
    private const int SockRaw = 3;
    private const int SockCloexec = 0x80000;
    private const int NetlinkRoute = 0;
    private const uint RtmgrpLink = 0x1;
    private const uint RtmgrpIPv4IfAddr = 0x10;
    private const uint RtmgrpIPv4Route = 0x40;
    private const uint RtmgrpIPv6IfAddr = 0x100;
    private const uint RtmgrpIPv6Route = 0x400;
    private const int NlmsgHeaderLength = 16;
    private const ushort RtmNewLink = 16;
    private const ushort RtmDelLink = 17;
    private const ushort RtmNewAddr = 20;
    private const ushort RtmDelAddr = 21;
    private const ushort RtmNewRoute = 24;
    private const ushort RtmDelRoute = 25;
    private const byte RtTableMain = 254;

    private readonly IBackhaulNetworkContext _context;
    private readonly CancellationTokenSource _stop = new();
    private Socket? _socket;
    private Task? _loop;

    public RtnetlinkChangeSource(IBackhaulNetworkContext context)
    {
        _context = context;
    }

    public void Start(Action changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        if (_socket is not null)
        {
            throw new InvalidOperationException("Already started.");
        }

        _socket = _context.Invoke(Open);
        _loop = ReceiveLoopAsync(_socket, changed, _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    /// <summary>Whether one netlink datagram holds a message the manager cares about.</summary>
    internal static bool IsRelevant(ReadOnlySpan<byte> datagram)
    {
        while (datagram.Length >= NlmsgHeaderLength)
        {
            // struct nlmsghdr { __u32 nlmsg_len; __u16 nlmsg_type; __u16 nlmsg_flags; __u32 nlmsg_seq; __u32 nlmsg_pid; }, host order.
            uint length = MemoryMarshal.Read<uint>(datagram);
            ushort type = MemoryMarshal.Read<ushort>(datagram[4..]);
            if (length < NlmsgHeaderLength || length > datagram.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> payload = datagram[NlmsgHeaderLength..(int)length];
            switch (type)
            {
                case RtmNewLink or RtmDelLink or RtmNewAddr or RtmDelAddr:
                    return true;
                case RtmNewRoute or RtmDelRoute:
                    // struct rtmsg: family, dst_len, src_len, tos, table, ...
                    if (payload.Length >= 5 && payload[1] == 0 && payload[4] == RtTableMain)
                    {
                        return true;
                    }

                    break;
            }

            int aligned = (int)((length + 3) & ~3u);
            if (aligned >= datagram.Length)
            {
                break;
            }

            datagram = datagram[aligned..];
        }

        return false;
    }

    private static Socket Open()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("rtnetlink exists only on Linux.");
        }

        int fd = NativeMethods.socket(AfNetlink, SockRaw | SockCloexec, NetlinkRoute);
        if (fd < 0)
        {
            throw new BackhaulException(BackhaulErrorKind.Discovery, $"Could not open an rtnetlink socket (errno {Marshal.GetLastPInvokeError()}).");
        }

        var handle = new SafeSocketHandle(fd, ownsHandle: true);
        try
        {
            // struct sockaddr_nl { sa_family_t nl_family; unsigned short nl_pad; __u32 nl_pid; __u32 nl_groups; }
            // Netlink structures are in host byte order.
            byte[] address = new byte[12];
            MemoryMarshal.Write(address, (ushort)AfNetlink);
            MemoryMarshal.Write(address.AsSpan(8), RtmgrpLink | RtmgrpIPv4IfAddr | RtmgrpIPv4Route | RtmgrpIPv6IfAddr | RtmgrpIPv6Route);

            if (NativeMethods.bind(fd, address, (uint)address.Length) != 0)
            {
                throw new BackhaulException(BackhaulErrorKind.Discovery, $"Could not bind the rtnetlink socket (errno {Marshal.GetLastPInvokeError()}).");
            }

            return new Socket(handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static async Task ReceiveLoopAsync(Socket socket, Action changed, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[64 * 1024];
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.NoBufferSpaceAvailable)
            {
                // ENOBUFS: the kernel dropped notifications; something changed, rescan.
                changed();
                continue;
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            if (received > 0 && IsRelevant(buffer.AsSpan(0, received)))
            {
                changed();
            }
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int socket(int domain, int type, int protocol);

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int bind(int sockfd, byte[] addr, uint addrlen);
    }
}
