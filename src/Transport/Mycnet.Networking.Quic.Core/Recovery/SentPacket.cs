namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>What the connection says about a packet it sent (RFC 9002 Appendix A.1.1).</summary>
[Flags]
internal enum SentPacketFlags : byte
{
    None = 0,

    /// <summary>Carries at least one ack-eliciting frame (RFC 9002 §2). Implies <see cref="InFlight"/>.</summary>
    AckEliciting = 1,

    /// <summary>Counts toward bytes in flight: ack-eliciting or PADDING-carrying (RFC 9002 §2, Appendix B.2).</summary>
    InFlight = 2,

    /// <summary>The 1-RTT key phase bit the packet was protected with (RFC 9001 §6).</summary>
    KeyPhase = 4,

    /// <summary>A 0-RTT packet (application data space); see <see cref="LossDetector.DiscardZeroRttPackets"/>.</summary>
    ZeroRtt = 8,

    /// <summary>Sent with the ECT(0) codepoint (RFC 9000 §13.4.2).</summary>
    EcnEct0 = 16,

    /// <summary>A path MTU probe: its loss is not a congestion signal (RFC 9000 §14.4).</summary>
    PathMtuProbe = 32,
}

/// <summary>
/// A sent packet as loss detection records it and reports it back on acknowledgment or loss.
/// </summary>
/// <param name="PacketNumber">The full packet number in its space.</param>
/// <param name="TimeSent">When it was sent.</param>
/// <param name="Size">Bytes sent: the QUIC packet including header and AEAD tag, without UDP/IP overhead.</param>
/// <param name="Flags">What the connection recorded about it.</param>
internal readonly record struct SentPacket(ulong PacketNumber, Instant TimeSent, int Size, SentPacketFlags Flags)
{
    public bool IsAckEliciting => (Flags & SentPacketFlags.AckEliciting) != 0;

    public bool IsInFlight => (Flags & SentPacketFlags.InFlight) != 0;

    public bool IsEct0 => (Flags & SentPacketFlags.EcnEct0) != 0;

    public bool IsPathMtuProbe => (Flags & SentPacketFlags.PathMtuProbe) != 0;

    public bool IsZeroRtt => (Flags & SentPacketFlags.ZeroRtt) != 0;
}

/// <summary>
/// Receives acknowledged and lost packets, with their frames, from <see cref="LossDetector"/>.
/// The connection implements it.
/// </summary>
/// <remarks>
/// A callback rather than a result buffer: the frames live in the tracker's frame ring and are
/// released right after the call, so a callback hands them over without a copy, without a buffer
/// whose size the peer could drive, and without ownership questions; the connection acts on each
/// packet at once (requeue lost frames, complete acknowledged stream data, ACK-of-ACK). The span
/// is valid only during the call. The implementation must not call back into the same
/// <see cref="LossDetector"/> from inside a callback.
/// </remarks>
internal interface ISentPacketSink
{
    /// <summary>A packet was newly acknowledged.</summary>
    void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames);

    /// <summary>
    /// A packet was declared lost (RFC 9002 §6.1), or its space was discarded with a sink to
    /// receive its frames (0-RTT rejection, path abandonment): its retransmittable frames need to
    /// be sent again.
    /// </summary>
    void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames);
}
