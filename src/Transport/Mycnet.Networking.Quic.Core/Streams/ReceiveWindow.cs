namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// Receive-side flow control for a stream or the whole connection: the limit we advertise
/// (MAX_STREAM_DATA / MAX_DATA), enforcement of that limit on the peer, and window auto-tuning.
/// </summary>
/// <remarks>
/// Design (RFC 9000 §4.1, §4.2):
/// <list type="bullet">
/// <item><see cref="Received"/> is the peer's consumption of credit: the highest offset received
/// on a stream, or the sum of those over all streams. It may never exceed
/// <see cref="MaxAdvertised"/>, else FLOW_CONTROL_ERROR.</item>
/// <item><see cref="Consumed"/> counts bytes the application read (or the stack discarded). When
/// the credit left, <see cref="MaxAdvertised"/> − <see cref="Consumed"/>, falls to half the
/// window, a new limit <see cref="Consumed"/> + <see cref="Window"/> is advertised.</item>
/// <item>Auto-tuning: the time between two updates is an epoch. If at the observed read rate a
/// whole window would be consumed in less than two round trips, the window — not the reader —
/// limits throughput, so it doubles, up to <see cref="MaxWindow"/>. A slow reader never trips
/// this, so its window (and our memory commitment) stays small. The first epoch starts right
/// after the first read, because no earlier time is known.</item>
/// </list>
/// Buffered memory is bounded by the window: the peer can only send up to
/// <see cref="MaxAdvertised"/> ≤ <see cref="Consumed"/> + <see cref="Window"/>.
/// </remarks>
internal sealed class ReceiveWindow
{
    private Instant _epochStart;
    private ulong _epochConsumed;
    private bool _epochStarted;

    public ReceiveWindow(ulong initialWindow, ulong maxWindow, bool autoTune)
    {
        Window = initialWindow;
        MaxWindow = Math.Max(initialWindow, maxWindow);
        MaxAdvertised = initialWindow;
        AutoTune = autoTune;
    }

    /// <summary>The current window size: how far beyond <see cref="Consumed"/> the peer may send.</summary>
    public ulong Window { get; private set; }

    /// <summary>The cap for auto-tuning.</summary>
    public ulong MaxWindow { get; }

    public bool AutoTune { get; }

    /// <summary>The limit advertised to the peer so far (never decreases).</summary>
    public ulong MaxAdvertised { get; private set; }

    /// <summary>The peer's credit consumption (highest offset, or sum of highest offsets).</summary>
    public ulong Received { get; private set; }

    /// <summary>Bytes read by the application or discarded.</summary>
    public ulong Consumed { get; private set; }

    /// <summary>Whether enough was consumed that a larger limit should be advertised.</summary>
    public bool ShouldUpdate => MaxAdvertised - Math.Min(Consumed, MaxAdvertised) <= Window / 2 && Consumed + Window > MaxAdvertised;

    /// <summary>Whether the peer may bring <see cref="Received"/> to <paramref name="total"/>.</summary>
    public bool CanReceive(ulong total) => total <= MaxAdvertised;

    /// <summary>Records the peer's credit consumption; throws FLOW_CONTROL_ERROR beyond the limit (RFC 9000 §4.1).</summary>
    public void RecordReceived(ulong total, ulong frameType)
    {
        if (total > MaxAdvertised)
        {
            throw new QuicProtocolException(
                TransportErrorCode.FlowControlError,
                $"The peer sent {total} bytes against a flow control limit of {MaxAdvertised}.",
                frameType);
        }

        if (total > Received)
        {
            Received = total;
        }
    }

    /// <summary>Records bytes the application consumed (or the stack discarded).</summary>
    public void OnConsumed(ulong bytes, Instant now)
    {
        Consumed += bytes;
        if (!_epochStarted && AutoTune)
        {
            // The first read cannot show a rate (its bytes may have waited any time): the epoch starts after it.
            _epochStarted = true;
            _epochStart = now;
            _epochConsumed = Consumed;
        }
    }

    /// <summary>Records bytes discarded without a time (a reset or abandoned stream); never tunes.</summary>
    public void OnDiscarded(ulong bytes) => Consumed += bytes;

    /// <summary>
    /// Advertises a new limit <see cref="Consumed"/> + <see cref="Window"/>, first growing the
    /// window if the epoch that just ended shows the window limits throughput. Returns whether
    /// the advertised limit grew.
    /// </summary>
    public bool Update(Instant now, TimeSpan rtt)
    {
        if (AutoTune && _epochStarted)
        {
            ulong consumedInEpoch = Consumed - _epochConsumed;
            long elapsed = (now - _epochStart).Ticks;

            // Time to consume a whole window at this rate: elapsed · Window / consumedInEpoch.
            // Grow when that is under two round trips.
            if (rtt > TimeSpan.Zero && consumedInEpoch > 0 && elapsed >= 0
                && (double)elapsed * Window < 2.0 * rtt.Ticks * consumedInEpoch)
            {
                Window = Math.Min(MaxWindow, Window * 2);
            }

            _epochStart = now;
            _epochConsumed = Consumed;
        }

        return Advertise();
    }

    /// <summary>Advertises <see cref="Consumed"/> + <see cref="Window"/> without tuning; returns whether the limit grew.</summary>
    public bool Advertise()
    {
        ulong limit = Consumed + Window;
        if (limit > Wire.VarInt.MaxValue)
        {
            limit = Wire.VarInt.MaxValue;
        }

        if (limit <= MaxAdvertised)
        {
            return false;
        }

        MaxAdvertised = limit;
        return true;
    }

    /// <summary>Grows the window to at least <paramref name="window"/> (capped at <see cref="MaxWindow"/>); keeps the connection window ahead of its streams'.</summary>
    public void EnsureWindowAtLeast(ulong window)
    {
        window = Math.Min(window, MaxWindow);
        if (window > Window)
        {
            Window = window;
        }
    }
}
