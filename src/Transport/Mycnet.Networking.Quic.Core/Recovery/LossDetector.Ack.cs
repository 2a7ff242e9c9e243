using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <content>ACK processing (RFC 9002 §5.1, §6.1, §7.1, §7.6; Appendix A.7).</content>
internal sealed partial class LossDetector
{
    /// <summary>
    /// Processes an ACK frame received in <paramref name="space"/>.
    /// </summary>
    /// <remarks>
    /// Order: validate (nothing changes if it throws) → mark newly acknowledged packets → RTT sample
    /// if the largest acknowledged is newly acknowledged and any newly acknowledged packet was
    /// ack-eliciting → ECN validation and CE signal → loss detection, congestion event, persistent
    /// congestion (lost packets reach the sink first) → acknowledged packets to the congestion
    /// controller and the sink → PTO backoff reset (unless a client whose address the peer may not
    /// have validated) → timer rearmed. An ACK in a discarded space is ignored.
    /// </remarks>
    /// <param name="space">The packet number space of the packet that carried the ACK frame.</param>
    /// <param name="ranges">The acknowledged ranges, descending, as parsed.</param>
    /// <param name="ackDelay">The ACK Delay field decoded with the peer's ack_delay_exponent.</param>
    /// <param name="ecnCounts">The ECN counts of an ACK frame of type 0x03, or null.</param>
    /// <param name="now">When the ACK was received.</param>
    /// <param name="sink">Receives acknowledged and lost packets with their frames.</param>
    /// <exception cref="QuicProtocolException">The ACK acknowledges a packet never sent (PROTOCOL_VIOLATION) or its ranges are malformed (FRAME_ENCODING_ERROR).</exception>
    public AckProcessingResult OnAckReceived(
        PacketNumberSpace space,
        ReadOnlySpan<PacketNumberRange> ranges,
        TimeSpan ackDelay,
        EcnCounts? ecnCounts,
        Instant now,
        ISentPacketSink sink)
    {
        SentPacketTracker? tracker = _spaces[(int)space];
        if (tracker is null)
        {
            return default;
        }

        tracker.ValidateAck(ranges);
        bool firstHandshakeAck = false;
        if (space == PacketNumberSpace.Handshake && !_handshakeAckReceived)
        {
            _handshakeAckReceived = true;
            firstHandshakeAck = true;
        }

        AckedSummary acked = tracker.MarkAcked(ranges);
        if (acked.NewlyAcked == 0)
        {
            if (firstHandshakeAck)
            {
                SetLossDetectionTimer(now);
            }

            return default;
        }

        // RFC 9002 §5.1: one sample per ACK, from the largest acknowledged, if newly acknowledged
        // and at least one newly acknowledged packet was ack-eliciting.
        bool sampled = false;
        if (acked.LargestNewlyAcked && acked.AnyAckEliciting)
        {
            // §5.3: Initial packets are acknowledged without delay; their ACK Delay is ignored.
            TimeSpan delay = space == PacketNumberSpace.Initial ? TimeSpan.Zero : ackDelay;
            TimeSpan latest = now - acked.HighestNewlyAckedTimeSent;
            Rtt.AddSample(latest < TimeSpan.Zero ? TimeSpan.Zero : latest, delay, PeerMaxAckDelay, HandshakeConfirmed, now);
            sampled = true;
        }

        // RFC 9000 §13.4.2.1 validation; RFC 9002 §7.1: a valid CE increase is a congestion event
        // keyed to the send time of the largest newly acknowledged packet.
        bool ecnCongestion = false;
        if (Ecn is not null && Ecn.OnAckReceived(space, in acked, ecnCounts, tracker.Ect0Sent))
        {
            Congestion.OnEcnCe(now, acked.HighestNewlyAckedTimeSent);
            ecnCongestion = true;
        }

        LossSummary loss = DetectAndReportLost(tracker, now, sink);
        tracker.NotifyAcked(now, Congestion, Rtt, sink);

        // RFC 9002 §6.2.1: reset the backoff, except at a client not yet sure the server validated its
        // address (and, ours, a client still probing for the rest of the server's flight).
        if (!ProbesWithNothingInFlight)
        {
            PtoCount = 0;
        }

        SetLossDetectionTimer(now);
        return new AckProcessingResult(acked.NewlyAcked, loss.Lost, sampled, loss.HasCongestionLoss, loss.PersistentCongestion, ecnCongestion);
    }

    private LossSummary DetectAndReportLost(SentPacketTracker tracker, Instant now, ISentPacketSink sink)
    {
        LossSummary loss = tracker.DetectLost(
            now,
            Rtt.LossDelay,
            PacketThreshold,
            Rtt,
            Rtt.GetPersistentCongestionDuration(PeerMaxAckDelay),
            sink);
        if (loss.Lost == 0)
        {
            return loss;
        }

        Congestion.RemoveFromBytesInFlight(loss.LostInFlightBytes);
        if (loss.HasCongestionLoss)
        {
            Congestion.OnCongestionEvent(now, loss.LatestCongestionLossSentTime);
        }

        if (loss.PersistentCongestion)
        {
            // RFC 9002 §7.6.2 and §5.2.
            Congestion.OnPersistentCongestion(now);
            Rtt.OnPersistentCongestion();
        }

        Ecn?.OnPacketsLost(loss.Ect0Lost);
        return loss;
    }
}
