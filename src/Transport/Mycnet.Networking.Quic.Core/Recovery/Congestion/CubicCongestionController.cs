namespace Mycnet.Networking.Quic.Core.Recovery.Congestion;

/// <summary>
/// CUBIC (RFC 9438) over QUIC's slow start, recovery period and persistent congestion (RFC 9002 §7).
/// </summary>
/// <remarks>
/// Design: windows are in bytes; RFC 9438's formulas are in segments, so the cubic constant is
/// scaled by the maximum datagram size: W_cubic(t) = C·mds·(t − K)³ + W_max with
/// K = ∛((W_max − cwnd_epoch)/(C·mds)), t in seconds since the epoch started (§4.2). The epoch
/// starts at the first acknowledgment that grows the window in congestion avoidance (after a
/// recovery period, or after an application-limited pause, so idle time does not count, §5.8).
/// Per acknowledgment the window moves toward target = W_cubic(t + smoothed_rtt) clamped to
/// [cwnd, 1.5·cwnd] by (target − cwnd)·acked/cwnd (§4.4, §4.5); the Reno-friendly estimate W_est
/// grows by α_cubic·mds·acked/cwnd with α_cubic = 3(1 − β)/(1 + β) until it reaches the window
/// before the last reduction, then by 1·mds (§4.3), and whenever W_cubic(t) is below W_est the
/// window follows W_est. A congestion event sets ssthresh = cwnd·β (β = 0.7) and remembers
/// W_max, lowered to cwnd·(1 + β)/2 when the window had not regained the previous W_max (fast
/// convergence, §4.6, §4.7). After persistent congestion the next epoch starts with K = 0 and
/// W_max = cwnd_epoch (§4.8). Fractional growth is carried between acknowledgments so slow
/// growth at large windows is not rounded away. HyStart++ is not implemented; slow start is
/// RFC 9002's.
/// </remarks>
internal sealed class CubicCongestionController : CongestionControllerBase
{
    /// <summary>C (RFC 9438 §5.1), in segments per second cubed.</summary>
    public const double C = 0.4;

    /// <summary>β_cubic, the multiplicative decrease factor (RFC 9438 §4.6).</summary>
    public const double Beta = 0.7;

    /// <summary>α_cubic = 3(1 − β)/(1 + β) (RFC 9438 §4.3).</summary>
    public const double RenoFriendlyAlpha = 3.0 * (1.0 - Beta) / (1.0 + Beta);

    private double _fraction;
    private double _alpha = RenoFriendlyAlpha;
    private bool _epochStarted;
    private bool _afterPersistentCongestion;

    public CubicCongestionController(int maxDatagramSize = CongestionControllerFactory.MinimumMaxDatagramSize)
        : base(maxDatagramSize)
    {
    }

    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.Cubic;

    public override string Name => "cubic";

    /// <summary>Whether fast convergence is applied (RFC 9438 §4.7); on by default.</summary>
    public bool FastConvergence { get; init; } = true;

    /// <summary>W_max in bytes: the window just before the last reduction (after fast convergence).</summary>
    public double WMax { get; private set; }

    /// <summary>cwnd_prior in bytes: the window just before the last reduction.</summary>
    public double WindowBeforeReduction { get; private set; }

    /// <summary>K in seconds for the current epoch.</summary>
    public double K { get; private set; }

    /// <summary>Whether a congestion avoidance epoch is running.</summary>
    public bool EpochStarted => _epochStarted;

    /// <summary>When the current epoch started.</summary>
    public Instant EpochStart { get; private set; }

    /// <summary>cwnd_epoch in bytes: the window when the current epoch started.</summary>
    public double WindowAtEpochStart { get; private set; }

    /// <summary>W_est in bytes, the Reno-friendly estimate (RFC 9438 §4.3).</summary>
    public double RenoFriendlyWindow { get; private set; }

    /// <summary>W_cubic(t) in bytes for the current epoch, t in seconds since <see cref="EpochStart"/> (RFC 9438 §4.2, Figure 1).</summary>
    public double CubicWindow(double t)
    {
        double d = t - K;
        return (C * MaxDatagramSize * d * d * d) + WMax;
    }

    protected override void OnCongestionAvoidanceAck(Instant now, int bytesAcked, RttEstimator rtt)
    {
        if (!_epochStarted)
        {
            StartEpoch(now);
        }

        double cwnd = CongestionWindow + _fraction;
        double t = (now - EpochStart).TotalSeconds;

        // §4.3: the Reno-friendly estimate.
        RenoFriendlyWindow += _alpha * MaxDatagramSize * bytesAcked / cwnd;
        if (_alpha < 1.0 && RenoFriendlyWindow >= WindowBeforeReduction)
        {
            _alpha = 1.0;
        }

        double next;
        if (CubicWindow(t) < RenoFriendlyWindow)
        {
            // Reno-friendly region: follow W_est.
            next = Math.Max(cwnd, RenoFriendlyWindow);
        }
        else
        {
            // §4.4/§4.5: concave and convex regions; aim one RTT ahead.
            double target = CubicWindow(t + rtt.SmoothedRtt.TotalSeconds);
            target = Math.Clamp(target, cwnd, 1.5 * cwnd);
            next = cwnd + ((target - cwnd) * bytesAcked / cwnd);
        }

        SetWindow(next);
    }

    protected override void ReduceWindow(Instant now)
    {
        double cwnd = CongestionWindow;
        WindowBeforeReduction = cwnd;

        // §4.7 fast convergence: a flow that did not regain the previous W_max releases bandwidth.
        WMax = FastConvergence && cwnd < WMax ? cwnd * (1.0 + Beta) / 2.0 : cwnd;

        // §4.6: ssthresh = cwnd * β_cubic (β = 7/10, in integers so 0.7 is exact), at least the minimum window.
        SlowStartThreshold = Math.Max(CongestionWindow * 7 / 10, MinimumWindow);
        CongestionWindow = SlowStartThreshold;
        _fraction = 0;
        _alpha = RenoFriendlyAlpha;
        _epochStarted = false;
        _afterPersistentCongestion = false;
    }

    protected override void OnPersistentCongestionCore(Instant now)
    {
        _fraction = 0;
        _epochStarted = false;
        _afterPersistentCongestion = true;
    }

    protected override void OnApplicationLimitedAck(Instant now)
    {
        // §5.8: time spent application-limited must not count toward t; the next growth restarts the epoch.
        _epochStarted = false;
    }

    private void StartEpoch(Instant now)
    {
        _epochStarted = true;
        EpochStart = now;
        WindowAtEpochStart = CongestionWindow + _fraction;
        if (_afterPersistentCongestion)
        {
            // §4.8: after a timeout, K = 0 and W_max = the window at the start of congestion avoidance.
            _afterPersistentCongestion = false;
            WMax = WindowAtEpochStart;
            K = 0;
        }
        else
        {
            // §4.2: K = cubic_root((W_max − cwnd_epoch) / C), here with C scaled to bytes. Negative when
            // the window already exceeds W_max (convex region from the start).
            K = Math.Cbrt((WMax - WindowAtEpochStart) / (C * MaxDatagramSize));
        }

        RenoFriendlyWindow = WindowAtEpochStart;
    }

    private void SetWindow(double next)
    {
        double whole = Math.Floor(next);
        CongestionWindow = (long)whole;
        _fraction = next - whole;
    }
}
