namespace Mycnet.Networking.Quic.Core.Recovery.Congestion;

/// <summary>
/// NewReno for QUIC (RFC 9002 §7, Appendix B).
/// </summary>
/// <remarks>
/// Design: slow start and the recovery period come from <see cref="CongestionControllerBase"/>.
/// Congestion avoidance adds one maximum datagram size for each congestion window of bytes
/// acknowledged, counted in an integer byte accumulator (RFC 3465 §2.1 appropriate byte counting)
/// rather than with a per-ACK division. A congestion event halves the window
/// (kLossReductionFactor = 0.5) down to at least kMinimumWindow.
/// </remarks>
internal sealed class NewRenoCongestionController : CongestionControllerBase
{
    private long _bytesAckedInAvoidance;

    public NewRenoCongestionController(int maxDatagramSize = CongestionControllerFactory.MinimumMaxDatagramSize)
        : base(maxDatagramSize)
    {
    }

    public override CongestionControlAlgorithm Algorithm => CongestionControlAlgorithm.NewReno;

    public override string Name => "newreno";

    protected override void OnCongestionAvoidanceAck(Instant now, int bytesAcked, RttEstimator rtt)
    {
        // RFC 9002 §7.3.3: at most one maximum datagram size per congestion window acknowledged.
        _bytesAckedInAvoidance += bytesAcked;
        if (_bytesAckedInAvoidance >= CongestionWindow)
        {
            _bytesAckedInAvoidance -= CongestionWindow;
            CongestionWindow += MaxDatagramSize;
        }
    }

    protected override void ReduceWindow(Instant now)
    {
        // RFC 9002 Appendix B.6: ssthresh = cwnd * kLossReductionFactor; cwnd = max(ssthresh, kMinimumWindow).
        SlowStartThreshold = CongestionWindow / 2;
        CongestionWindow = Math.Max(SlowStartThreshold, MinimumWindow);
        _bytesAckedInAvoidance = 0;
    }

    protected override void OnPersistentCongestionCore(Instant now) => _bytesAckedInAvoidance = 0;
}
