using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>What an ACK frame newly acknowledged in one space (pass one of ACK processing).</summary>
/// <param name="NewlyAcked">How many packets were newly acknowledged.</param>
/// <param name="LargestNewlyAcked">Whether the frame's Largest Acknowledged was among them (the RTT sample condition, RFC 9002 §5.1).</param>
/// <param name="HighestNewlyAckedTimeSent">Send time of the highest-numbered newly acknowledged packet.</param>
/// <param name="AnyAckEliciting">Whether any newly acknowledged packet was ack-eliciting.</param>
/// <param name="Ect0Acked">Newly acknowledged packets that were sent ECT(0).</param>
/// <param name="LargestAckedIncreased">Whether the frame raised the space's largest acknowledged.</param>
internal readonly record struct AckedSummary(
    int NewlyAcked,
    bool LargestNewlyAcked,
    Instant HighestNewlyAckedTimeSent,
    bool AnyAckEliciting,
    int Ect0Acked,
    bool LargestAckedIncreased);

/// <summary>What loss detection declared lost in one pass over a space.</summary>
internal struct LossSummary
{
    public int Lost;
    public long LostInFlightBytes;
    public bool HasCongestionLoss;
    public Instant LatestCongestionLossSentTime;
    public int Ect0Lost;
    public bool PersistentCongestion;
}

/// <content>ACK validation, acknowledgment and loss detection for one space (RFC 9002 §6.1, Appendix A.7 and A.10).</content>
internal sealed partial class SentPacketTracker
{
    // Logical index span of packets marked NewlyAcked by the last MarkAcked call.
    private int _newlyAckedFirst;
    private int _newlyAckedLast = -1;

    /// <summary>
    /// Checks an ACK frame's ranges before anything changes: well formed, and acknowledging only
    /// packets that were sent (RFC 9000 §13.1).
    /// </summary>
    /// <exception cref="QuicProtocolException">FRAME_ENCODING_ERROR for malformed ranges, PROTOCOL_VIOLATION for an ACK of a packet never sent.</exception>
    public void ValidateAck(ReadOnlySpan<PacketNumberRange> ranges)
    {
        if (ranges.IsEmpty)
        {
            throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, "ACK frame without ranges.", 0x02);
        }

        for (int r = 0; r < ranges.Length; r++)
        {
            PacketNumberRange range = ranges[r];
            if (range.Start > range.End || (r > 0 && range.End >= ranges[r - 1].Start))
            {
                throw new QuicProtocolException(TransportErrorCode.FrameEncodingError, "ACK ranges are not descending and disjoint.", 0x02);
            }
        }

        if (!HasSent || ranges[0].End > LargestSent)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, $"ACK in the {Space} space of packet {ranges[0].End}, which was never sent.", 0x02);
        }

        // Every packet number sent from the ring's head onwards has an entry; a shortfall inside a
        // range means the peer acknowledged a number the sender skipped.
        ulong front = _count > 0 ? EntryAt(0).Packet.PacketNumber : LargestSent + 1;
        for (int r = 0; r < ranges.Length; r++)
        {
            PacketNumberRange range = ranges[r];
            if (range.End < front)
            {
                break;
            }

            ulong lo = Math.Max(range.Start, front);
            int first = LowerBound(lo);
            int end = range.End == ulong.MaxValue ? _count : LowerBound(range.End + 1);
            if ((ulong)(end - first) != range.End - lo + 1)
            {
                throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, $"ACK in the {Space} space of a packet number that was never sent.", 0x02);
            }
        }
    }

    /// <summary>
    /// Pass one: marks packets in <paramref name="ranges"/> newly acknowledged, updates the space's
    /// largest acknowledged and in-flight counters. Call <see cref="ValidateAck"/> first.
    /// </summary>
    public AckedSummary MarkAcked(ReadOnlySpan<PacketNumberRange> ranges)
    {
        ulong largest = ranges[0].End;
        bool increased = !HasLargestAcked || largest > LargestAcked;
        if (increased)
        {
            LargestAcked = largest;
            HasLargestAcked = true;
        }

        int newly = 0;
        bool anyAckEliciting = false;
        bool largestNewly = false;
        ulong highest = 0;
        Instant highestTimeSent = Instant.Zero;
        int ect0 = 0;
        int first = int.MaxValue;
        int last = -1;
        ulong front = _count > 0 ? EntryAt(0).Packet.PacketNumber : ulong.MaxValue;
        for (int r = 0; r < ranges.Length; r++)
        {
            PacketNumberRange range = ranges[r];
            if (range.End < front)
            {
                // Descending ranges: the rest are below every tracked packet.
                break;
            }

            for (int i = LowerBound(range.Start); i < _count; i++)
            {
                ref Entry e = ref EntryAt(i);
                if (e.Packet.PacketNumber > range.End)
                {
                    break;
                }

                if (e.State != EntryState.Outstanding)
                {
                    // Already acknowledged, or declared lost earlier (a spurious loss): not newly acknowledged.
                    continue;
                }

                RemoveOutstanding(ref e, EntryState.NewlyAcked);
                newly++;
                anyAckEliciting |= e.Packet.IsAckEliciting;
                if (e.Packet.IsEct0)
                {
                    ect0++;
                }

                if (newly == 1 || e.Packet.PacketNumber > highest)
                {
                    highest = e.Packet.PacketNumber;
                    highestTimeSent = e.Packet.TimeSent;
                }

                largestNewly |= e.Packet.PacketNumber == largest;

                first = Math.Min(first, i);
                last = Math.Max(last, i);
            }
        }

        _newlyAckedFirst = first;
        _newlyAckedLast = last;
        RecomputeTimeOfLastAckEliciting();
        return new AckedSummary(newly, largestNewly, highestTimeSent, anyAckEliciting, ect0, increased);
    }

    /// <summary>
    /// Pass two: reports the packets marked by <see cref="MarkAcked"/> to the congestion controller
    /// and the sink, then releases tombstones.
    /// </summary>
    public void NotifyAcked(Instant now, ICongestionController congestion, RttEstimator rtt, ISentPacketSink sink)
    {
        for (int i = _newlyAckedFirst; i <= _newlyAckedLast; i++)
        {
            ref Entry e = ref EntryAt(i);
            if (e.State != EntryState.NewlyAcked)
            {
                continue;
            }

            e.State = EntryState.Acked;
            if (e.Packet.IsInFlight)
            {
                congestion.OnPacketAcked(now, e.Packet.TimeSent, e.Packet.Size, rtt);
            }

            sink.OnPacketAcked(Space, in e.Packet, FramesOf(in e));
        }

        _newlyAckedFirst = 0;
        _newlyAckedLast = -1;
        Compact();
    }

    /// <summary>
    /// Declares lost every outstanding packet at or below the largest acknowledged that is
    /// <paramref name="packetThreshold"/> packets or <paramref name="lossDelay"/> older than an
    /// acknowledged one (RFC 9002 §6.1), reports each to <paramref name="sink"/>, and sets
    /// <see cref="LossTime"/> for the rest. Persistent congestion (§7.6.2) is judged within this
    /// space: two ack-eliciting lost packets, sent after the first RTT sample, more than
    /// <paramref name="persistentCongestionDuration"/> apart, with no acknowledged packet between.
    /// </summary>
    public LossSummary DetectLost(
        Instant now,
        TimeSpan lossDelay,
        int packetThreshold,
        RttEstimator rtt,
        TimeSpan persistentCongestionDuration,
        ISentPacketSink sink)
    {
        LossTime = Instant.MaxValue;
        LossSummary summary = default;
        if (!HasLargestAcked)
        {
            return summary;
        }

        Instant lostSendTime = now - lossDelay;
        bool runOpen = false;
        Instant runStart = Instant.Zero;
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref EntryAt(i);
            ulong pn = e.Packet.PacketNumber;
            if (pn > LargestAcked)
            {
                break;
            }

            if (e.State == EntryState.Acked || e.State == EntryState.NewlyAcked)
            {
                // An acknowledged packet between two lost ones breaks the persistent congestion period.
                runOpen = false;
                continue;
            }

            if (e.State == EntryState.Lost)
            {
                continue;
            }

            if (e.Packet.TimeSent <= lostSendTime || LargestAcked - pn >= (ulong)packetThreshold)
            {
                summary.LostInFlightBytes += RemoveOutstanding(ref e, EntryState.Lost);
                summary.Lost++;
                if (e.Packet.IsEct0)
                {
                    summary.Ect0Lost++;
                }

                if (e.Packet.IsInFlight && !e.Packet.IsPathMtuProbe)
                {
                    // RFC 9000 §14.4: the loss of a PMTU probe is not a congestion signal.
                    if (!summary.HasCongestionLoss || e.Packet.TimeSent > summary.LatestCongestionLossSentTime)
                    {
                        summary.LatestCongestionLossSentTime = e.Packet.TimeSent;
                    }

                    summary.HasCongestionLoss = true;

                    if (e.Packet.IsAckEliciting && rtt.HasSample && e.Packet.TimeSent > rtt.FirstSampleTime)
                    {
                        if (!runOpen)
                        {
                            runOpen = true;
                            runStart = e.Packet.TimeSent;
                        }
                        else if (e.Packet.TimeSent - runStart > persistentCongestionDuration)
                        {
                            summary.PersistentCongestion = true;
                        }
                    }
                }

                sink.OnPacketLost(Space, in e.Packet, FramesOf(in e));
            }
            else
            {
                Instant when = e.Packet.TimeSent + lossDelay;
                if (when < LossTime)
                {
                    LossTime = when;
                }
            }
        }

        RecomputeTimeOfLastAckEliciting();
        return summary;
    }

    /// <summary>Releases tombstones after a pass that declared losses without acknowledgments (timer expiry).</summary>
    public void ReleaseTombstones() => Compact();
}
