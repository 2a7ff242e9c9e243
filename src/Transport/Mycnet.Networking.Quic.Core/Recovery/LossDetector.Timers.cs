namespace Mycnet.Networking.Quic.Core.Recovery;

/// <content>The loss detection timer: time-threshold loss and PTO (RFC 9002 §6.1.2, §6.2; Appendix A.8–A.9).</content>
internal sealed partial class LossDetector
{
    /// <summary>
    /// Runs the loss detection timer if it has expired (<paramref name="now"/> ≥ <see cref="Deadline"/>).
    /// </summary>
    /// <remarks>
    /// If a space has a pending time-threshold loss, its overdue packets are declared lost and
    /// reported to <paramref name="sink"/> (<see cref="LossTimeoutKind.LossDetected"/>). Otherwise the
    /// PTO expired: the backoff doubles and the result names the space and count of ack-eliciting
    /// probes to send (<see cref="LossTimeoutKind.Probe"/>), which are also kept as
    /// <see cref="GetProbesOwed"/> until sent. A PTO does not declare anything lost (§6.2).
    /// The RFC also recommends probing other spaces with data in flight, coalesced in the same
    /// datagram; that choice is the connection's.
    /// </remarks>
    public LossTimeoutResult OnTimeout(Instant now, ISentPacketSink sink)
    {
        if (Deadline.IsNever || now < Deadline)
        {
            return default;
        }

        SentPacketTracker? lossSpace = GetEarliestLossTime(out Instant lossTime);
        if (lossSpace is not null && lossTime <= now)
        {
            DetectAndReportLost(lossSpace, now, sink);
            lossSpace.ReleaseTombstones();
            SetLossDetectionTimer(now);
            return new LossTimeoutResult(LossTimeoutKind.LossDetected, lossSpace.Space, 0, false);
        }

        PacketNumberSpace space;
        int probes;
        bool antiDeadlock;
        if (GetPtoTime(out PacketNumberSpace ptoSpace).IsNever)
        {
            if (!ProbesWithNothingInFlight)
            {
                // A stale deadline (inputs changed without an event that rearms): nothing to probe.
                SetLossDetectionTimer(now);
                return default;
            }

            // RFC 9002 §6.2.2.1: nothing ack-eliciting in flight, the client arms the timer so the
            // server is not blocked by its amplification limit (and, beyond the RFC, so a lost flight
            // of the server's is not left to the server's backoff alone; see ProbesWithNothingInFlight):
            // one Handshake packet, or one padded Initial.
            space = HasHandshakeKeys && HasSpace(PacketNumberSpace.Handshake) ? PacketNumberSpace.Handshake : PacketNumberSpace.Initial;
            probes = 1;
            antiDeadlock = true;
        }
        else
        {
            space = ptoSpace;
            probes = ProbePacketsPerTimeout;
            antiDeadlock = false;
        }

        _probesOwed[(int)space] = Math.Max(_probesOwed[(int)space], probes);
        PtoCount++;
        SetLossDetectionTimer(now);
        return new LossTimeoutResult(LossTimeoutKind.Probe, space, probes, antiDeadlock);
    }

    /// <summary>
    /// This client's TLS handshake completed (it is sending its Finished). The stall probes (see
    /// <see cref="ProbesWithNothingInFlight"/>) end, and so does the backoff they built up once the
    /// peer has validated our address: the Finished starts from a fresh PTO.
    /// </summary>
    public void OnClientHandshakeComplete(Instant now)
    {
        ClientHandshakeComplete = true;
        if (PeerCompletedAddressValidation)
        {
            PtoCount = 0;
        }

        SetLossDetectionTimer(now);
    }

    /// <summary>The PTO period of a space with the current backoff (RFC 9002 §6.2.1).</summary>
    public TimeSpan GetProbeTimeout(PacketNumberSpace space) => Rtt.GetProbeTimeout(space, PeerMaxAckDelay, PtoCount);

    /// <summary>SetLossDetectionTimer (RFC 9002 Appendix A.8).</summary>
    private void SetLossDetectionTimer(Instant now)
    {
        if (GetEarliestLossTime(out Instant lossTime) is not null)
        {
            // Time-threshold loss detection takes precedence over the PTO (§6.2.1).
            Deadline = lossTime;
            return;
        }

        if (_amplificationLimited)
        {
            // §6.2.2.1: a server blocked by the amplification limit cannot send probes.
            Deadline = Instant.MaxValue;
            return;
        }

        Instant pto = GetPtoTime(out _);
        if (!pto.IsNever)
        {
            Deadline = pto;
            return;
        }

        if (!ProbesWithNothingInFlight)
        {
            // Nothing to detect as lost.
            Deadline = Instant.MaxValue;
            return;
        }

        // §6.2.2.1 anti-deadlock: the client arms the PTO from now, without max_ack_delay.
        PacketNumberSpace space = HasHandshakeKeys ? PacketNumberSpace.Handshake : PacketNumberSpace.Initial;
        Deadline = now + Rtt.GetProbeTimeout(space, TimeSpan.Zero, PtoCount);
    }

    private SentPacketTracker? GetEarliestLossTime(out Instant time)
    {
        time = Instant.MaxValue;
        SentPacketTracker? earliest = null;
        for (int i = 0; i < _spaces.Length; i++)
        {
            SentPacketTracker? tracker = _spaces[i];
            if (tracker is not null && tracker.LossTime < time)
            {
                time = tracker.LossTime;
                earliest = tracker;
            }
        }

        return earliest;
    }

    /// <summary>
    /// GetPtoTimeAndSpace (RFC 9002 Appendix A.8) over the spaces with ack-eliciting packets in
    /// flight; the application data space only once the handshake is confirmed (§6.2.1).
    /// <see cref="Instant.MaxValue"/> when no space qualifies.
    /// </summary>
    private Instant GetPtoTime(out PacketNumberSpace space)
    {
        Instant best = Instant.MaxValue;
        space = PacketNumberSpace.Initial;
        for (int i = 0; i < _spaces.Length; i++)
        {
            SentPacketTracker? tracker = _spaces[i];
            if (tracker is null || tracker.AckElicitingInFlight == 0)
            {
                continue;
            }

            if (tracker.Space == PacketNumberSpace.ApplicationData && !HandshakeConfirmed)
            {
                break;
            }

            Instant t = tracker.TimeOfLastAckEliciting + Rtt.GetProbeTimeout(tracker.Space, PeerMaxAckDelay, PtoCount);
            if (t < best)
            {
                best = t;
                space = tracker.Space;
            }
        }

        return best;
    }
}
