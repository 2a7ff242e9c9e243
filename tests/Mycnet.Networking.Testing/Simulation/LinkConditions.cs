namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// The behaviour of one direction of a <see cref="SimLink"/>. Mutable: a test may change any property
/// while the network runs (directly between runs, or from <see cref="SimulatedNetwork.Schedule"/>), and
/// the change applies to datagrams that enter the link from then on.
/// </summary>
/// <remarks>
/// A datagram offered to a link goes through, in order: link down / blackout, MTU, the bandwidth
/// bottleneck (drop-tail queue, optional CE marking), random and burst loss (after the bottleneck, so a
/// lost datagram still used its share of the bandwidth), then propagation delay (latency + jitter,
/// optional reordering), duplication and corruption. The defaults are a perfect link: no delay, no loss,
/// no bandwidth limit, MTU 65,535.
/// </remarks>
public sealed class LinkConditions
{
    private TimeSpan _latency;
    private TimeSpan _jitter;
    private double _lossProbability;
    private double _reorderProbability;
    private TimeSpan _reorderDelay = TimeSpan.FromMilliseconds(10);
    private double _duplicateProbability;
    private double _corruptionProbability;
    private int _corruptionBitFlips = 1;
    private int _mtu = 65_535;
    private long _bandwidthBitsPerSecond;
    private int _queueCapacityBytes = 256 * 1024;
    private int? _ecnMarkThresholdBytes;

    /// <summary>The minimum one-way propagation delay.</summary>
    public TimeSpan Latency
    {
        get => _latency;
        set => _latency = NonNegative(value);
    }

    /// <summary>
    /// Extra delay drawn uniformly from [0, Jitter] per datagram, so the delay is Latency..Latency+Jitter.
    /// Unless <see cref="JitterReorders"/> is set, the link stays FIFO: a datagram never arrives before
    /// one that entered the link earlier (jitter then models queueing, as on a real path).
    /// </summary>
    public TimeSpan Jitter
    {
        get => _jitter;
        set => _jitter = NonNegative(value);
    }

    /// <summary>Lets jitter reorder datagrams (each delay drawn independently, no FIFO clamp).</summary>
    public bool JitterReorders { get; set; }

    /// <summary>The probability that a datagram is lost, independently of the others.</summary>
    public double LossProbability
    {
        get => _lossProbability;
        set => _lossProbability = Probability(value);
    }

    /// <summary>Correlated (burst) loss on top of <see cref="LossProbability"/>; null for none.</summary>
    public GilbertElliottLoss? BurstLoss { get; set; }

    /// <summary>The probability that a datagram is held back by <see cref="ReorderDelay"/>, so later ones overtake it.</summary>
    public double ReorderProbability
    {
        get => _reorderProbability;
        set => _reorderProbability = Probability(value);
    }

    /// <summary>How long a reordered datagram is held back (default 10 ms).</summary>
    public TimeSpan ReorderDelay
    {
        get => _reorderDelay;
        set => _reorderDelay = NonNegative(value);
    }

    /// <summary>The probability that a datagram is delivered twice (the copy gets its own delay draw).</summary>
    public double DuplicateProbability
    {
        get => _duplicateProbability;
        set => _duplicateProbability = Probability(value);
    }

    /// <summary>The probability that a delivered copy has bits flipped (its length never changes).</summary>
    public double CorruptionProbability
    {
        get => _corruptionProbability;
        set => _corruptionProbability = Probability(value);
    }

    /// <summary>How many distinct bits a corruption flips (1..64, capped at the datagram's bit count).</summary>
    public int CorruptionBitFlips
    {
        get => _corruptionBitFlips;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 64);
            _corruptionBitFlips = value;
        }
    }

    /// <summary>The largest UDP payload the link carries; longer datagrams are dropped.</summary>
    public int Mtu
    {
        get => _mtu;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _mtu = value;
        }
    }

    /// <summary>
    /// The bottleneck rate in bits per second (UDP payload bits), 0 for unlimited. Datagrams are
    /// serialised one after another at this rate through a FIFO of <see cref="QueueCapacityBytes"/>.
    /// </summary>
    public long BandwidthBitsPerSecond
    {
        get => _bandwidthBitsPerSecond;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _bandwidthBitsPerSecond = value;
        }
    }

    /// <summary>
    /// The bottleneck buffer in bytes, counting bytes waiting and bytes still being serialised (default
    /// 256 KiB). A datagram that does not fit is tail-dropped; an idle link always accepts one.
    /// </summary>
    public int QueueCapacityBytes
    {
        get => _queueCapacityBytes;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _queueCapacityBytes = value;
        }
    }

    /// <summary>
    /// When set, an ECT(0)/ECT(1) datagram that finds more than this many bytes queued is marked CE
    /// instead of waiting unmarked (RFC 3168 style marking at the bottleneck). Needs a bandwidth limit.
    /// </summary>
    public int? EcnMarkThresholdBytes
    {
        get => _ecnMarkThresholdBytes;
        set
        {
            if (value is < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The threshold cannot be negative.");
            }

            _ecnMarkThresholdBytes = value;
        }
    }

    /// <summary>Clears the ECN codepoint of every datagram (a path that bleaches ECN, RFC 9000 §13.4.2).</summary>
    public bool ClearEcn { get; set; }

    /// <summary>A copy, so two directions never share one instance by accident.</summary>
    public LinkConditions Clone() => (LinkConditions)MemberwiseClone();

    private static TimeSpan NonNegative(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
        return value;
    }

    private static double Probability(double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "A probability is between 0 and 1.");
        }

        return value;
    }
}
