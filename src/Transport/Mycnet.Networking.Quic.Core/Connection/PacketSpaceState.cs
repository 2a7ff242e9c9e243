using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The receive-side and CRYPTO state of one packet number space (RFC 9000 §12.3): which packets
/// arrived (for ACK frames and duplicate detection), the next packet number to send, and the
/// CRYPTO streams. Sent packets are tracked by the path's <see cref="LossDetector"/>.
/// </summary>
internal sealed class PacketSpaceState
{
    public PacketSpaceState(PacketNumberSpace space, TimeSpan maxAckDelay, int ackElicitingThreshold)
    {
        Space = space;
        Received = new ReceivedPacketTracker(
            space,
            space == PacketNumberSpace.ApplicationData ? maxAckDelay : TimeSpan.Zero,
            space == PacketNumberSpace.ApplicationData ? ackElicitingThreshold : 1);
    }

    public PacketNumberSpace Space { get; }

    public ReceivedPacketTracker Received { get; }

    public CryptoSendBuffer CryptoSend { get; } = new();

    public CryptoReceiveBuffer CryptoReceive { get; } = new();

    /// <summary>The packet number the next packet in this space gets.</summary>
    public ulong NextPacketNumber { get; set; }

    /// <summary>Keys and state were discarded (RFC 9001 §4.9); nothing more is sent or received.</summary>
    public bool IsDiscarded { get; set; }

    /// <summary>A PING must go out in this space (probe or an explicit request).</summary>
    public bool PingPending { get; set; }
}
