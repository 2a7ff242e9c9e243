namespace Mycnet.Networking.Quic.Core.Recovery.Congestion;

/// <summary>
/// What every window-based controller shares (RFC 9002 §7): bytes-in-flight accounting, initial
/// and minimum windows from the maximum datagram size, slow start, the recovery period, and the
/// application-limited rule.
/// </summary>
/// <remarks>
/// Design: the recovery period starts at the time of the congestion event; a packet sent at or
/// before that time belongs to the period, so losses and ECN-CE signals for such packets do not
/// reduce the window again, and their acknowledgments do not grow it; the period ends when a packet
/// sent after its start is acknowledged (RFC 9002 §7.3.2). The window is reduced at once on
/// entering recovery. Application-limited (§7.8): the connection calls
/// <see cref="OnApplicationLimited"/> when it had nothing to send while the window had room; the
/// flag clears itself when a sent packet fills the window, i.e. once the sender is window-limited
/// again; while set, acknowledgments do not grow the window. Subclasses decide the growth in
/// congestion avoidance and the reduction on a congestion event.
/// </remarks>
internal abstract class CongestionControllerBase : ICongestionController
{
    private bool _hasRecoveryStart;
    private Instant _recoveryStart;
    private bool _anyAcked;

    protected CongestionControllerBase(int maxDatagramSize)
    {
        ValidateDatagramSize(maxDatagramSize);
        MaxDatagramSize = maxDatagramSize;
        CongestionWindow = InitialWindow;
        SlowStartThreshold = long.MaxValue;
    }

    public abstract CongestionControlAlgorithm Algorithm { get; }

    public abstract string Name { get; }

    public long CongestionWindow { get; protected set; }

    public long SlowStartThreshold { get; protected set; }

    public long BytesInFlight { get; private set; }

    public long AvailableWindow => Math.Max(0, CongestionWindow - BytesInFlight);

    public int MaxDatagramSize { get; private set; }

    public bool InRecovery { get; private set; }

    public bool IsApplicationLimited { get; private set; }

    public int CongestionEvents { get; private set; }

    /// <summary>kInitialWindow: min(10 * max_datagram_size, max(14720, 2 * max_datagram_size)) (RFC 9002 §7.2).</summary>
    public long InitialWindow => Math.Min(10L * MaxDatagramSize, Math.Max(14720L, 2L * MaxDatagramSize));

    /// <summary>kMinimumWindow: 2 * max_datagram_size (RFC 9002 §7.2).</summary>
    public long MinimumWindow => 2L * MaxDatagramSize;

    /// <summary>Whether the controller is in slow start (cwnd below ssthresh, RFC 9002 §7.3.1).</summary>
    public bool InSlowStart => CongestionWindow < SlowStartThreshold;

    public void SetMaxDatagramSize(int maxDatagramSize)
    {
        ValidateDatagramSize(maxDatagramSize);
        MaxDatagramSize = maxDatagramSize;

        // RFC 9002 §7.2: recompute the initial window with the new size; before any feedback the
        // window is the initial window, afterwards it keeps its value above the new minimum.
        if (!_anyAcked && CongestionEvents == 0)
        {
            CongestionWindow = InitialWindow;
        }
        else if (CongestionWindow < MinimumWindow)
        {
            CongestionWindow = MinimumWindow;
        }
    }

    public void OnApplicationLimited()
    {
        // Only when a full-sized packet would still have fitted.
        if (BytesInFlight + MaxDatagramSize <= CongestionWindow)
        {
            IsApplicationLimited = true;
        }
    }

    public void OnPacingLimited() => IsApplicationLimited = false;

    public void OnPacketSent(Instant now, int bytes)
    {
        BytesInFlight += bytes;

        // The window is full once no further full-sized packet fits (the sizes rarely add up to it exactly).
        if (BytesInFlight + MaxDatagramSize > CongestionWindow)
        {
            IsApplicationLimited = false;
        }
    }

    public void OnPacketAcked(Instant now, Instant timeSent, int bytes, RttEstimator rtt)
    {
        RemoveFromBytesInFlight(bytes);
        _anyAcked = true;

        if (InRecovery && (!_hasRecoveryStart || timeSent > _recoveryStart))
        {
            // RFC 9002 §7.3.2: a packet sent after the start of the period is acknowledged.
            InRecovery = false;
        }

        if (_hasRecoveryStart && timeSent <= _recoveryStart)
        {
            return;
        }

        if (IsApplicationLimited)
        {
            // RFC 9002 §7.8: no growth while the window is not the limit.
            OnApplicationLimitedAck(now);
            return;
        }

        if (InSlowStart)
        {
            // RFC 9002 §7.3.1: grow by the bytes acknowledged.
            CongestionWindow += bytes;
            return;
        }

        OnCongestionAvoidanceAck(now, bytes, rtt);
    }

    public void RemoveFromBytesInFlight(long bytes)
    {
        BytesInFlight -= bytes;
        if (BytesInFlight < 0)
        {
            throw new InvalidOperationException("Bytes in flight went negative: a packet was removed twice.");
        }
    }

    public void OnCongestionEvent(Instant now, Instant sentTime) => EnterRecovery(now, sentTime);

    public void OnEcnCe(Instant now, Instant sentTime) => EnterRecovery(now, sentTime);

    public void OnPersistentCongestion(Instant now)
    {
        // RFC 9002 §7.6.2: collapse to the minimum window; the recovery period ends, so the next
        // loss starts a new one.
        CongestionWindow = MinimumWindow;
        _hasRecoveryStart = false;
        InRecovery = false;
        OnPersistentCongestionCore(now);
    }

    /// <summary>Whether a packet sent at <paramref name="sentTime"/> belongs to the current recovery period.</summary>
    public bool IsInRecoveryPeriod(Instant sentTime) => _hasRecoveryStart && sentTime <= _recoveryStart;

    /// <summary>Grows the window for an acknowledgment in congestion avoidance.</summary>
    protected abstract void OnCongestionAvoidanceAck(Instant now, int bytesAcked, RttEstimator rtt);

    /// <summary>Sets ssthresh and the window on entering a recovery period.</summary>
    protected abstract void ReduceWindow(Instant now);

    /// <summary>Hook for the algorithm's state on persistent congestion, after the window collapsed.</summary>
    protected virtual void OnPersistentCongestionCore(Instant now)
    {
    }

    /// <summary>Hook for an acknowledgment that did not grow the window because the sender is application-limited.</summary>
    protected virtual void OnApplicationLimitedAck(Instant now)
    {
    }

    private void EnterRecovery(Instant now, Instant sentTime)
    {
        if (IsInRecoveryPeriod(sentTime))
        {
            // RFC 9002 §7.3.2: at most one reduction per recovery period.
            return;
        }

        _hasRecoveryStart = true;
        _recoveryStart = now;
        InRecovery = true;
        CongestionEvents++;
        ReduceWindow(now);
        if (CongestionWindow < MinimumWindow)
        {
            CongestionWindow = MinimumWindow;
        }
    }

    private static void ValidateDatagramSize(int maxDatagramSize)
    {
        if (maxDatagramSize < CongestionControllerFactory.MinimumMaxDatagramSize || maxDatagramSize > 65527)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDatagramSize), maxDatagramSize, "A QUIC maximum datagram size is between 1200 and 65527 bytes.");
        }
    }
}
