namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>
/// The round-trip time estimate of one network path (RFC 9002 §5): latest_rtt, min_rtt,
/// smoothed_rtt and rttvar, and the durations derived from them (PTO, time-threshold loss delay,
/// persistent congestion duration).
/// </summary>
/// <remarks>
/// Design: RTT is a property of a path, not of a connection or a packet number space (RFC 9002 §5,
/// RFC 9000 §9.4), so every path owns one estimator; loss detection and congestion control take the
/// estimator they should use as a parameter. Samples come only from <see cref="LossDetector"/>
/// (largest acknowledged newly acknowledged and at least one ack-eliciting packet newly
/// acknowledged, §5.1). Durations are <see cref="TimeSpan"/>s; integer tick arithmetic keeps
/// results exact and deterministic. On path migration the connection calls <see cref="Reset"/>.
/// </remarks>
internal sealed class RttEstimator
{
    /// <summary>The RECOMMENDED initial RTT, kInitialRtt (RFC 9002 §6.2.2).</summary>
    public static readonly TimeSpan DefaultInitialRtt = TimeSpan.FromMilliseconds(333);

    /// <summary>The timer granularity kGranularity (RFC 9002 §6.1.2).</summary>
    public static readonly TimeSpan Granularity = TimeSpan.FromMilliseconds(1);

    /// <summary>kPersistentCongestionThreshold (RFC 9002 §7.6.1).</summary>
    public const int PersistentCongestionThreshold = 3;

    /// <summary>The largest PTO backoff exponent applied; larger counts saturate (the idle timeout ends the connection long before).</summary>
    public const int MaxPtoBackoffExponent = 24;

    /// <summary>Creates an estimator seeded with <paramref name="initialRtt"/> (default 333 ms).</summary>
    public RttEstimator(TimeSpan? initialRtt = null)
    {
        Reset(initialRtt ?? DefaultInitialRtt);
    }

    /// <summary>The RTT used until the first sample.</summary>
    public TimeSpan InitialRtt { get; private set; }

    /// <summary>The most recent sample, or zero before the first one.</summary>
    public TimeSpan LatestRtt { get; private set; }

    /// <summary>The minimum sample seen (ignoring ack delay), or zero before the first one.</summary>
    public TimeSpan MinRtt { get; private set; }

    /// <summary>smoothed_rtt: initial RTT before the first sample.</summary>
    public TimeSpan SmoothedRtt { get; private set; }

    /// <summary>rttvar: half the initial RTT before the first sample.</summary>
    public TimeSpan RttVariation { get; private set; }

    /// <summary>Whether at least one sample has been taken since construction or the last reset.</summary>
    public bool HasSample { get; private set; }

    /// <summary>When the first sample was taken (first_rtt_sample); meaningful only if <see cref="HasSample"/>.</summary>
    public Instant FirstSampleTime { get; private set; }

    /// <summary>
    /// smoothed_rtt + max(4 * rttvar, kGranularity): the PTO period without max_ack_delay and
    /// without backoff (RFC 9002 §6.2.1).
    /// </summary>
    public TimeSpan PtoBase => SmoothedRtt + Max(TimeSpan.FromTicks(RttVariation.Ticks * 4), Granularity);

    /// <summary>
    /// The time-threshold loss delay: max(9/8 * max(smoothed_rtt, latest_rtt), kGranularity)
    /// (RFC 9002 §6.1.2).
    /// </summary>
    public TimeSpan LossDelay
    {
        get
        {
            long rtt = Math.Max(SmoothedRtt.Ticks, LatestRtt.Ticks);
            long delay = rtt + (rtt / 8);
            return Max(TimeSpan.FromTicks(delay), Granularity);
        }
    }

    /// <summary>
    /// Forgets all samples and starts again from <paramref name="initialRtt"/> (RFC 9002 §5.3;
    /// RFC 9000 §9.4 on migration to a new path).
    /// </summary>
    public void Reset(TimeSpan? initialRtt = null)
    {
        TimeSpan initial = initialRtt ?? InitialRtt;
        if (initial <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(initialRtt), initial, "The initial RTT must be positive.");
        }

        InitialRtt = initial;
        SmoothedRtt = initial;
        RttVariation = TimeSpan.FromTicks(initial.Ticks / 2);
        LatestRtt = TimeSpan.Zero;
        MinRtt = TimeSpan.Zero;
        HasSample = false;
        FirstSampleTime = Instant.Zero;
    }

    /// <summary>
    /// Adds an RTT sample (RFC 9002 §5.1–§5.3).
    /// </summary>
    /// <param name="latestRtt">ack_time − send time of the largest acknowledged packet.</param>
    /// <param name="ackDelay">The peer-reported ACK delay, already decoded with its ack_delay_exponent.</param>
    /// <param name="maxAckDelay">The peer's max_ack_delay transport parameter.</param>
    /// <param name="handshakeConfirmed">Whether the handshake is confirmed (RFC 9001 §4.1.2); only then is the ack delay clamped to max_ack_delay.</param>
    /// <param name="now">The time the sample is taken.</param>
    public void AddSample(TimeSpan latestRtt, TimeSpan ackDelay, TimeSpan maxAckDelay, bool handshakeConfirmed, Instant now)
    {
        if (latestRtt < TimeSpan.Zero)
        {
            // A clock never runs backwards in the core; a negative sample would be a caller bug.
            throw new ArgumentOutOfRangeException(nameof(latestRtt), latestRtt, "An RTT sample cannot be negative.");
        }

        LatestRtt = latestRtt;
        if (!HasSample)
        {
            // §5.2/§5.3: the first sample resets the estimator.
            HasSample = true;
            FirstSampleTime = now;
            MinRtt = latestRtt;
            SmoothedRtt = latestRtt;
            RttVariation = TimeSpan.FromTicks(latestRtt.Ticks / 2);
            return;
        }

        // §5.2: min_rtt ignores the acknowledgment delay.
        if (latestRtt < MinRtt)
        {
            MinRtt = latestRtt;
        }

        if (ackDelay < TimeSpan.Zero)
        {
            ackDelay = TimeSpan.Zero;
        }

        // §5.3: max_ack_delay limits the ack delay only after handshake confirmation.
        if (handshakeConfirmed && ackDelay > maxAckDelay)
        {
            ackDelay = maxAckDelay;
        }

        // §5.3: never subtract the ack delay below min_rtt. (latest_rtt >= min_rtt here; the peer's
        // ack delay can be as large as TimeSpan.MaxValue before confirmation, so do not add it.)
        TimeSpan adjusted = latestRtt;
        if (latestRtt - MinRtt >= ackDelay)
        {
            adjusted = latestRtt - ackDelay;
        }

        long deviation = Math.Abs(SmoothedRtt.Ticks - adjusted.Ticks);
        RttVariation = TimeSpan.FromTicks(((3 * RttVariation.Ticks) + deviation) / 4);
        SmoothedRtt = TimeSpan.FromTicks(((7 * SmoothedRtt.Ticks) + adjusted.Ticks) / 8);
    }

    /// <summary>
    /// After persistent congestion, min_rtt restarts from the newest sample (RFC 9002 §5.2).
    /// </summary>
    public void OnPersistentCongestion()
    {
        if (HasSample)
        {
            MinRtt = LatestRtt;
        }
    }

    /// <summary>
    /// The PTO period for a packet number space (RFC 9002 §6.2.1): smoothed_rtt +
    /// max(4*rttvar, kGranularity) + max_ack_delay, where max_ack_delay counts only for the
    /// application data space, all multiplied by 2^<paramref name="ptoCount"/> (§6.2.1 backoff).
    /// </summary>
    public TimeSpan GetProbeTimeout(PacketNumberSpace space, TimeSpan maxAckDelay, int ptoCount)
    {
        TimeSpan period = PtoBase;
        if (space == PacketNumberSpace.ApplicationData)
        {
            period += maxAckDelay;
        }

        return Backoff(period, ptoCount);
    }

    /// <summary>
    /// The persistent congestion duration (RFC 9002 §7.6.1): (smoothed_rtt + max(4*rttvar,
    /// kGranularity) + max_ack_delay) * kPersistentCongestionThreshold, with max_ack_delay included
    /// whatever the space.
    /// </summary>
    public TimeSpan GetPersistentCongestionDuration(TimeSpan maxAckDelay) =>
        TimeSpan.FromTicks((PtoBase + maxAckDelay).Ticks * PersistentCongestionThreshold);

    /// <summary>Multiplies <paramref name="period"/> by 2^<paramref name="count"/>, saturating.</summary>
    public static TimeSpan Backoff(TimeSpan period, int count)
    {
        if (count <= 0)
        {
            return period;
        }

        int shift = Math.Min(count, MaxPtoBackoffExponent);
        long ticks = period.Ticks;
        return ticks > (long.MaxValue >> shift) ? TimeSpan.MaxValue : TimeSpan.FromTicks(ticks << shift);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a >= b ? a : b;
}
