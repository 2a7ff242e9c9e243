namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>
/// Paces a path's in-flight packets at N × cwnd / smoothed_rtt (RFC 9002 §7.7), in virtual time.
/// </summary>
/// <remarks>
/// Design: a token bucket (the RFC's leaky bucket) of bytes. It fills at the pacing rate, which is
/// recomputed from the window and RTT passed with each call (so it follows the congestion
/// controller without holding a reference to it), and holds at most the burst allowance of
/// <see cref="BurstPackets"/> maximum-size datagrams, which is the initial window by default, the
/// burst limit RFC 9002 §7.7 suggests. A packet may leave when the bucket holds its size;
/// otherwise <see cref="GetNextSendTime"/> is the instant at which it will, which the connection
/// reports as a deadline. Sending debits the bucket and may drive it negative (a probe sent on
/// PTO is not held back, §7.5), which delays the packets after it. ACK-only packets are not paced
/// (§7.7): the connection neither asks nor reports them. Without an RTT estimate or window, the
/// pacer does not delay.
/// </remarks>
internal sealed class Pacer
{
    /// <summary>The default pacing gain N (RFC 9002 §7.7 suggests 1.25).</summary>
    public const double DefaultGain = 1.25;

    /// <summary>The default burst allowance in packets (the initial window, RFC 9002 §7.2).</summary>
    public const int DefaultBurstPackets = 10;

    private double _tokens;
    private Instant _lastUpdate;
    private bool _started;

    public Pacer(int maxDatagramSize, double gain = DefaultGain, int burstPackets = DefaultBurstPackets)
    {
        if (!(gain >= 1.0) || double.IsInfinity(gain))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), gain, "The pacing gain must be finite and at least 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(burstPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDatagramSize, 1);
        Gain = gain;
        BurstPackets = burstPackets;
        MaxDatagramSize = maxDatagramSize;
        _tokens = BurstBytes;
    }

    /// <summary>N in rate = N × cwnd / smoothed_rtt.</summary>
    public double Gain { get; }

    /// <summary>The burst allowance in maximum-size datagrams.</summary>
    public int BurstPackets { get; }

    /// <summary>The path's maximum datagram size; the burst allowance scales with it.</summary>
    public int MaxDatagramSize { get; set; }

    /// <summary>The burst allowance in bytes.</summary>
    public long BurstBytes => (long)BurstPackets * MaxDatagramSize;

    /// <summary>The pacing rate in bytes per second for a window and RTT, or +∞ when either is unknown.</summary>
    public double GetRate(long congestionWindow, TimeSpan smoothedRtt) =>
        congestionWindow <= 0 || smoothedRtt <= TimeSpan.Zero
            ? double.PositiveInfinity
            : Gain * congestionWindow / smoothedRtt.TotalSeconds;

    /// <summary>
    /// When a packet of <paramref name="packetSize"/> bytes may be sent: <paramref name="now"/> if
    /// at once, else the instant the bucket will hold it.
    /// </summary>
    public Instant GetNextSendTime(Instant now, int packetSize, long congestionWindow, TimeSpan smoothedRtt)
    {
        double perTick = BytesPerTick(congestionWindow, smoothedRtt);
        if (double.IsPositiveInfinity(perTick))
        {
            return now;
        }

        double tokens = TokensAt(now, perTick);
        double needed = Math.Min(packetSize, BurstBytes);
        if (tokens >= needed)
        {
            return now;
        }

        double ticks = Math.Ceiling((needed - tokens) / perTick);
        return ticks >= long.MaxValue / 2 ? Instant.MaxValue : now + TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Whether a packet of <paramref name="packetSize"/> bytes may be sent now.</summary>
    public bool CanSend(Instant now, int packetSize, long congestionWindow, TimeSpan smoothedRtt) =>
        GetNextSendTime(now, packetSize, congestionWindow, smoothedRtt) <= now;

    /// <summary>Debits the bucket for a sent in-flight packet.</summary>
    public void OnPacketSent(Instant now, int packetSize, long congestionWindow, TimeSpan smoothedRtt)
    {
        double perTick = BytesPerTick(congestionWindow, smoothedRtt);
        _tokens = double.IsPositiveInfinity(perTick) ? BurstBytes : TokensAt(now, perTick);
        _lastUpdate = now;
        _started = true;
        _tokens -= packetSize;
    }

    private double BytesPerTick(long congestionWindow, TimeSpan smoothedRtt) =>
        congestionWindow <= 0 || smoothedRtt <= TimeSpan.Zero
            ? double.PositiveInfinity
            : Gain * congestionWindow / smoothedRtt.Ticks;

    private double TokensAt(Instant now, double perTick)
    {
        if (!_started || now <= _lastUpdate)
        {
            return Math.Min(_tokens, BurstBytes);
        }

        double refilled = _tokens + ((now - _lastUpdate).Ticks * perTick);
        return Math.Min(refilled, BurstBytes);
    }
}
