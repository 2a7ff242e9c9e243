namespace Mycnet.Networking.Quic;

/// <summary>How a QUIC socket batches datagrams through the kernel.</summary>
public enum QuicUdpOffload
{
    /// <summary>
    /// Use what the kernel offers: on Linux, UDP generic segmentation offload (UDP_SEGMENT: many
    /// datagrams per send call), generic receive offload (UDP_GRO: many datagrams per receive call),
    /// recvmmsg, the packet's local address (IP_PKTINFO / IPV6_PKTINFO) and ECN marks. Elsewhere, or
    /// where the kernel lacks a feature, the plain socket calls. The default.
    /// </summary>
    Auto,

    /// <summary>Plain socket calls only: one datagram per system call.</summary>
    Disabled,
}
