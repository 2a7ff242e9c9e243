using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using static Mycnet.Networking.Quic.Sockets.LinuxSocketNative;

namespace Mycnet.Networking.Quic.Sockets;

/// <summary>
/// What the running kernel offers the Linux I/O path, probed once per process on a scratch UDP
/// socket: the libc calls load, getsockopt(UDP_SEGMENT) succeeds (GSO, Linux 4.18+) and
/// setsockopt(UDP_GRO) succeeds (GRO, Linux 5.0+). Nothing fails where a feature is missing: the
/// driver then uses less of it, down to the portable path.
/// </summary>
internal static class LinuxUdpOffload
{
    private static readonly Lazy<(bool Native, bool Gso, bool Gro)> Probe = new(ProbeKernel);

    /// <summary>Whether the Linux path can run at all (Linux, libc calls available).</summary>
    public static bool IsNativeAvailable => Probe.Value.Native;

    /// <summary>Whether sends may carry a UDP_SEGMENT batch.</summary>
    public static bool IsGsoSupported => Probe.Value.Gso;

    /// <summary>Whether receives may return UDP_GRO batches.</summary>
    public static bool IsGroSupported => Probe.Value.Gro;

    /// <summary>A one-line summary, for logs and the report.</summary>
    public static string Describe() =>
        !IsNativeAvailable ? "portable socket calls only" : $"Linux path: GSO {(IsGsoSupported ? "yes" : "no")}, GRO {(IsGroSupported ? "yes" : "no")}";

    private static (bool Native, bool Gso, bool Gro) ProbeKernel()
    {
        if (!OperatingSystem.IsLinux())
        {
            return (false, false, false);
        }

        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            bool added = false;
            SafeHandle handle = socket.SafeHandle;
            try
            {
                handle.DangerousAddRef(ref added);
                int fd = (int)handle.DangerousGetHandle();
                bool gso = TryGetInt(fd, SolUdp, UdpSegment, out _);
                bool gro = TrySetInt(fd, SolUdp, UdpGro, 1);
                return (true, gso, gro);
            }
            finally
            {
                if (added)
                {
                    handle.DangerousRelease();
                }
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or SocketException)
        {
            return (false, false, false);
        }
    }
}
