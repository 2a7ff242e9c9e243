namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>What processing one ACK frame did.</summary>
/// <param name="NewlyAcked">Packets newly acknowledged.</param>
/// <param name="Lost">Packets declared lost.</param>
/// <param name="RttSampled">Whether the ACK produced an RTT sample (RFC 9002 §5.1).</param>
/// <param name="CongestionEvent">Whether a loss was signalled to the congestion controller.</param>
/// <param name="PersistentCongestion">Whether persistent congestion was established (RFC 9002 §7.6).</param>
/// <param name="EcnCongestion">Whether a valid increase of the ECN-CE count was signalled (RFC 9002 §7.1).</param>
internal readonly record struct AckProcessingResult(
    int NewlyAcked,
    int Lost,
    bool RttSampled,
    bool CongestionEvent,
    bool PersistentCongestion,
    bool EcnCongestion);

/// <summary>What the loss detection timer did when it fired.</summary>
internal enum LossTimeoutKind
{
    /// <summary>The timer had not expired; nothing happened.</summary>
    None,

    /// <summary>Time-threshold loss detection ran and reported lost packets to the sink (RFC 9002 §6.1.2).</summary>
    LossDetected,

    /// <summary>The PTO expired: send <see cref="LossTimeoutResult.ProbePackets"/> ack-eliciting packets in <see cref="LossTimeoutResult.Space"/> (RFC 9002 §6.2.4).</summary>
    Probe,
}

/// <summary>The outcome of <see cref="LossDetector.OnTimeout"/>.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Space">The space of the loss detection or of the probes.</param>
/// <param name="ProbePackets">How many ack-eliciting probe packets to send (1 or 2), not limited by the congestion window.</param>
/// <param name="AntiDeadlock">
/// A client's anti-deadlock probe (RFC 9002 §6.2.2.1): a Handshake packet, or, without Handshake
/// keys, an Initial packet in a datagram padded to at least 1200 bytes.
/// </param>
internal readonly record struct LossTimeoutResult(LossTimeoutKind Kind, PacketNumberSpace Space, int ProbePackets, bool AntiDeadlock);
