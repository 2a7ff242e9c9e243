using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>
/// The receive side of one packet number space: which packet numbers arrived, duplicate
/// detection, and when to send an ACK frame with what (RFC 9000 §12.3, §13.2, §13.4.1).
/// </summary>
/// <remarks>
/// <para>
/// Design: received packet numbers are kept as at most <see cref="MaxRanges"/> disjoint ranges,
/// ascending, in one array allocated up front. When a new range would exceed the cap, the oldest
/// (lowest) range is dropped and the floor rises above it: every packet number below the floor is
/// treated as a duplicate from then on, as is, while all slots are taken, a packet that would open
/// a new range below the oldest one (RFC 9000 §13.2.3 allows this "minimum packet number"
/// instead of keeping every range), so a packet from a forgotten range is never processed twice.
/// When an ACK frame this endpoint sent is itself acknowledged, everything at or below its Largest
/// Acknowledged is dropped the same way (§13.2.4), which keeps ACK frames short without waiting
/// for the cap.
/// </para>
/// <para>
/// ACK timing (§13.2.1, §13.2.2): Initial and Handshake packets that are ack-eliciting are
/// acknowledged at once; in the application data space an ACK is due after
/// <see cref="AckElicitingThreshold"/> ack-eliciting packets (two by default), at once when an
/// ack-eliciting packet arrives out of order, leaves a gap, or carries ECN-CE, and otherwise at the
/// latest <see cref="MaxAckDelay"/> after the first unacknowledged ack-eliciting packet.
/// Non-ack-eliciting packets never make an ACK due (§13.2.1) but are included when one is sent.
/// </para>
/// <para>
/// Call order: <see cref="IsDuplicate"/> after the packet is decrypted and before its frames are
/// processed; <see cref="OnPacketReceived"/> once they are; <see cref="AckDeadline"/> and
/// <see cref="IsAckPending"/> when deciding to send; <see cref="CopyRanges"/>,
/// <see cref="GetAckDelay"/>/<see cref="EncodeAckDelay"/> and <see cref="EcnCounts"/> to write the
/// frame; <see cref="OnAckSent"/> after sending it; <see cref="OnAckFrameAcknowledged"/> when the
/// packet that carried it is acknowledged.
/// </para>
/// </remarks>
internal sealed class ReceivedPacketTracker
{
    /// <summary>The default cap on tracked ranges.</summary>
    public const int DefaultMaxRanges = 64;

    /// <summary>The default ack-eliciting threshold (RFC 9000 §13.2.2: after at least two packets).</summary>
    public const int DefaultAckElicitingThreshold = 2;

    private readonly PacketNumberRange[] _ranges;
    private int _count;
    private ulong _floor;
    private bool _hasLargestAckEliciting;
    private ulong _largestAckEliciting;
    private int _ackElicitingSinceAck;
    private Instant _firstUnackedAckElicitingTime;
    private ulong _ect0;
    private ulong _ect1;
    private ulong _ce;

    /// <summary>Creates the tracker for one space.</summary>
    /// <param name="space">The packet number space.</param>
    /// <param name="maxAckDelay">This endpoint's max_ack_delay transport parameter (application data space).</param>
    /// <param name="ackElicitingThreshold">Ack-eliciting packets that make an ACK due at once.</param>
    /// <param name="maxRanges">The cap on tracked ranges.</param>
    public ReceivedPacketTracker(PacketNumberSpace space, TimeSpan? maxAckDelay = null, int ackElicitingThreshold = DefaultAckElicitingThreshold, int maxRanges = DefaultMaxRanges)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ackElicitingThreshold, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRanges, 1);
        Space = space;
        MaxAckDelay = maxAckDelay ?? LossDetector.DefaultMaxAckDelay;
        AckElicitingThreshold = ackElicitingThreshold;
        MaxRanges = maxRanges;
        _ranges = new PacketNumberRange[maxRanges + 1];
    }

    public PacketNumberSpace Space { get; }

    /// <summary>The longest this endpoint delays an ACK for an ack-eliciting packet in the application data space.</summary>
    public TimeSpan MaxAckDelay { get; set; }

    /// <summary>How many ack-eliciting packets make an ACK due immediately.</summary>
    public int AckElicitingThreshold { get; set; }

    /// <summary>The cap on tracked ranges.</summary>
    public int MaxRanges { get; }

    /// <summary>How many ranges are tracked now.</summary>
    public int RangeCount => _count;

    /// <summary>Whether any packet has been received.</summary>
    public bool HasReceived { get; private set; }

    /// <summary>The largest packet number received (kept even when its range is dropped; RFC 9000 §13.2.3, for packet number decoding).</summary>
    public ulong LargestReceived { get; private set; }

    /// <summary>When the packet with <see cref="LargestReceived"/> arrived.</summary>
    public Instant LargestReceivedTime { get; private set; }

    /// <summary>Packet numbers below this count as duplicates (dropped ranges, ACK-of-ACK).</summary>
    public ulong Floor => _floor;

    /// <summary>Whether packets arrived since the last ACK was sent, so an ACK frame would say something new.</summary>
    public bool IsAckPending { get; private set; }

    /// <summary>
    /// When an ACK frame must be sent: <see cref="Instant.MaxValue"/> when none is owed, a time not
    /// after the triggering packet's arrival when it is owed at once.
    /// </summary>
    public Instant AckDeadline { get; private set; } = Instant.MaxValue;

    /// <summary>Whether the owed ACK is due immediately rather than on the max_ack_delay timer.</summary>
    public bool IsAckImmediate { get; private set; }

    /// <summary>
    /// The ECN counts to report (RFC 9000 §13.4.1), or null if no packet arrived with an ECN
    /// codepoint (the ACK frame then has type 0x02).
    /// </summary>
    public EcnCounts? EcnCounts => (_ect0 | _ect1 | _ce) == 0 ? null : new EcnCounts(_ect0, _ect1, _ce);

    /// <summary>
    /// Whether <paramref name="packetNumber"/> was already received, or is below the floor of
    /// tracked packet numbers (RFC 9000 §12.3: a duplicate must not be processed).
    /// </summary>
    public bool IsDuplicate(ulong packetNumber)
    {
        if (packetNumber < _floor)
        {
            return true;
        }

        if (_count == MaxRanges && packetNumber + 1 < _ranges[0].Start)
        {
            // With every range slot taken, a packet below the oldest range would open a range that
            // is dropped at once and never acknowledged: treat it as below the tracked window.
            return true;
        }

        int i = FindRangeAtOrBelow(packetNumber);
        return i >= 0 && _ranges[i].End >= packetNumber;
    }

    /// <summary>
    /// Records a processed packet. Returns false, changing nothing, for a duplicate.
    /// </summary>
    /// <param name="packetNumber">The full packet number.</param>
    /// <param name="ackEliciting">Whether the packet had an ack-eliciting frame.</param>
    /// <param name="ecn">The ECN codepoint of the IP packet that carried it.</param>
    /// <param name="now">When it arrived.</param>
    public bool OnPacketReceived(ulong packetNumber, bool ackEliciting, EcnCodepoint ecn, Instant now)
    {
        if (IsDuplicate(packetNumber))
        {
            return false;
        }

        // §13.2.1: out of order relative to ack-eliciting packets already received.
        bool outOfOrder = false;
        if (ackEliciting && _hasLargestAckEliciting)
        {
            outOfOrder = packetNumber < _largestAckEliciting
                || (packetNumber > _largestAckEliciting + 1 && HasMissingBetween(_largestAckEliciting, packetNumber));
        }

        Insert(packetNumber);

        if (!HasReceived || packetNumber > LargestReceived)
        {
            HasReceived = true;
            LargestReceived = packetNumber;
            LargestReceivedTime = now;
        }

        switch (ecn)
        {
            case EcnCodepoint.Ect0:
                _ect0++;
                break;
            case EcnCodepoint.Ect1:
                _ect1++;
                break;
            case EcnCodepoint.Ce:
                _ce++;
                break;
            default:
                break;
        }

        IsAckPending = true;
        if (!ackEliciting)
        {
            return true;
        }

        if (!_hasLargestAckEliciting || packetNumber > _largestAckEliciting)
        {
            _hasLargestAckEliciting = true;
            _largestAckEliciting = packetNumber;
        }

        if (_ackElicitingSinceAck == 0)
        {
            _firstUnackedAckElicitingTime = now;
        }

        _ackElicitingSinceAck++;
        bool immediate = Space != PacketNumberSpace.ApplicationData
            || _ackElicitingSinceAck >= AckElicitingThreshold
            || outOfOrder
            || ecn == EcnCodepoint.Ce;
        if (immediate)
        {
            IsAckImmediate = true;
            AckDeadline = Instant.Min(AckDeadline, now);
        }
        else
        {
            AckDeadline = Instant.Min(AckDeadline, _firstUnackedAckElicitingTime + MaxAckDelay);
        }

        return true;
    }

    /// <summary>
    /// Copies the ranges to acknowledge into <paramref name="destination"/>, largest first (the
    /// order an ACK frame encodes, RFC 9000 §19.3.1). When <paramref name="destination"/> is
    /// shorter, the newest ranges are kept (§13.2.3). Returns how many were written.
    /// </summary>
    public int CopyRanges(Span<PacketNumberRange> destination)
    {
        int n = Math.Min(destination.Length, _count);
        for (int i = 0; i < n; i++)
        {
            destination[i] = _ranges[_count - 1 - i];
        }

        return n;
    }

    /// <summary>The delay between the arrival of the largest received packet and <paramref name="now"/> (RFC 9000 §13.2.5).</summary>
    public TimeSpan GetAckDelay(Instant now) =>
        !HasReceived || now <= LargestReceivedTime ? TimeSpan.Zero : now - LargestReceivedTime;

    /// <summary>
    /// The ACK Delay field: the delay in microseconds divided by 2^<paramref name="ackDelayExponent"/>
    /// (RFC 9000 §19.3), capped at the largest variable-length integer.
    /// </summary>
    public ulong EncodeAckDelay(Instant now, int ackDelayExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackDelayExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ackDelayExponent, 20);
        ulong micros = (ulong)(GetAckDelay(now).Ticks / (TimeSpan.TicksPerMillisecond / 1000));
        return Math.Min(micros >> ackDelayExponent, VarInt.MaxValue);
    }

    /// <summary>An ACK frame with the current ranges was sent: nothing is owed until new packets arrive.</summary>
    public void OnAckSent()
    {
        IsAckPending = false;
        IsAckImmediate = false;
        AckDeadline = Instant.MaxValue;
        _ackElicitingSinceAck = 0;
    }

    /// <summary>
    /// A packet carrying an ACK frame whose Largest Acknowledged was <paramref name="largestAcknowledged"/>
    /// was acknowledged: stop reporting packet numbers at or below it (RFC 9000 §13.2.4).
    /// </summary>
    public void OnAckFrameAcknowledged(ulong largestAcknowledged)
    {
        if (largestAcknowledged < _floor)
        {
            return;
        }

        int drop = 0;
        while (drop < _count && _ranges[drop].End <= largestAcknowledged)
        {
            drop++;
        }

        RemoveLowest(drop);
        if (_count > 0 && _ranges[0].Start <= largestAcknowledged)
        {
            _ranges[0] = new PacketNumberRange(largestAcknowledged + 1, _ranges[0].End);
        }

        _floor = largestAcknowledged == ulong.MaxValue ? ulong.MaxValue : largestAcknowledged + 1;
    }

    /// <summary>Whether some packet number strictly between <paramref name="low"/> and <paramref name="high"/> was not received.</summary>
    private bool HasMissingBetween(ulong low, ulong high)
    {
        int i = FindRangeAtOrBelow(high - 1);
        return i < 0 || _ranges[i].End < high - 1 || _ranges[i].Start > low + 1;
    }

    /// <summary>The index of the last range whose start is at most <paramref name="packetNumber"/>, or −1.</summary>
    private int FindRangeAtOrBelow(ulong packetNumber)
    {
        // Fast path: packets mostly arrive at the top.
        if (_count > 0 && _ranges[_count - 1].Start <= packetNumber)
        {
            return _count - 1;
        }

        int lo = 0;
        int hi = _count - 1;
        int found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_ranges[mid].Start <= packetNumber)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    private void Insert(ulong pn)
    {
        int i = FindRangeAtOrBelow(pn);
        bool joinsBelow = i >= 0 && _ranges[i].End + 1 == pn;
        bool joinsAbove = i + 1 < _count && _ranges[i + 1].Start == pn + 1;
        if (joinsBelow && joinsAbove)
        {
            _ranges[i] = new PacketNumberRange(_ranges[i].Start, _ranges[i + 1].End);
            Array.Copy(_ranges, i + 2, _ranges, i + 1, _count - i - 2);
            _count--;
        }
        else if (joinsBelow)
        {
            _ranges[i] = new PacketNumberRange(_ranges[i].Start, pn);
        }
        else if (joinsAbove)
        {
            _ranges[i + 1] = new PacketNumberRange(pn, _ranges[i + 1].End);
        }
        else
        {
            int at = i + 1;
            Array.Copy(_ranges, at, _ranges, at + 1, _count - at);
            _ranges[at] = new PacketNumberRange(pn, pn);
            _count++;
            if (_count > MaxRanges)
            {
                // Forget the oldest range; everything up to it now counts as a duplicate.
                RemoveLowest(1);
            }
        }
    }

    private void RemoveLowest(int n)
    {
        if (n <= 0)
        {
            return;
        }

        ulong newFloor = _ranges[n - 1].End + 1;
        Array.Copy(_ranges, n, _ranges, 0, _count - n);
        _count -= n;
        if (newFloor > _floor)
        {
            _floor = newFloor;
        }
    }
}
