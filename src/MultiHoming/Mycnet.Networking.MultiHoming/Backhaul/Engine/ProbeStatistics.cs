namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Probe statistics of one interface over a sliding window of rounds.
/// </summary>
/// <remarks>
/// Design: a ring of the last N rounds stores (attempts, failures), so loss and round success are exact
/// over the window and old evidence ages out. RTT is smoothed as TCP does (RFC 6298 §2.3,
/// srtt ← 7/8·srtt + 1/8·sample) and jitter follows the RTP interarrival estimator (RFC 3550 §6.4.1,
/// J ← J + (|D| − J)/16, with D the difference between consecutive RTT samples). Consecutive successful
/// and failed rounds drive the state machine's failure thresholds.
/// </remarks>
internal sealed class ProbeStatistics
{
    private readonly int[] _attempts;
    private readonly int[] _failures;
    private int _count;
    private int _next;
    private int _attemptSum;
    private int _failureSum;
    private int _failedRounds;
    private TimeSpan? _lastRtt;

    public ProbeStatistics(int windowRounds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowRounds, 1);
        _attempts = new int[windowRounds];
        _failures = new int[windowRounds];
    }

    /// <summary>Rounds in the window.</summary>
    public int RoundCount => _count;

    /// <summary>Rounds recorded since the last reset (not capped by the window).</summary>
    public long TotalRounds { get; private set; }

    public int ConsecutiveFailedRounds { get; private set; }

    public int ConsecutiveSuccessfulRounds { get; private set; }

    public bool LastRoundSucceeded { get; private set; }

    public TimeSpan? SmoothedRtt { get; private set; }

    public TimeSpan Jitter { get; private set; }

    /// <summary>Failed attempts over attempts in the window; 0 when there is none.</summary>
    public double Loss => _attemptSum == 0 ? 0 : (double)_failureSum / _attemptSum;

    /// <summary>Rounds with at least one answer over rounds in the window; 0 when there is none.</summary>
    public double SuccessRatio => _count == 0 ? 0 : (double)(_count - _failedRounds) / _count;

    /// <summary>Adds one round. A round with no attempts counts as one failed attempt.</summary>
    public void RecordRound(ReadOnlySpan<BackhaulProbeResult> results)
    {
        int attempts = Math.Max(1, results.Length);
        int failures = results.Length == 0 ? 1 : 0;
        foreach (BackhaulProbeResult result in results)
        {
            if (!result.Succeeded)
            {
                failures++;
                continue;
            }

            AddRttSample(result.RoundTripTime);
        }

        if (_count == _attempts.Length)
        {
            _attemptSum -= _attempts[_next];
            _failureSum -= _failures[_next];
            if (_failures[_next] == _attempts[_next])
            {
                _failedRounds--;
            }
        }
        else
        {
            _count++;
        }

        _attempts[_next] = attempts;
        _failures[_next] = failures;
        _attemptSum += attempts;
        _failureSum += failures;
        bool failed = failures == attempts;
        if (failed)
        {
            _failedRounds++;
        }

        _next = (_next + 1) % _attempts.Length;
        TotalRounds++;
        LastRoundSucceeded = !failed;
        if (failed)
        {
            ConsecutiveFailedRounds++;
            ConsecutiveSuccessfulRounds = 0;
        }
        else
        {
            ConsecutiveSuccessfulRounds++;
            ConsecutiveFailedRounds = 0;
        }
    }

    /// <summary>Forgets everything (entering Probing starts from fresh evidence).</summary>
    public void Reset()
    {
        Array.Clear(_attempts);
        Array.Clear(_failures);
        _count = 0;
        _next = 0;
        _attemptSum = 0;
        _failureSum = 0;
        _failedRounds = 0;
        _lastRtt = null;
        TotalRounds = 0;
        ConsecutiveFailedRounds = 0;
        ConsecutiveSuccessfulRounds = 0;
        LastRoundSucceeded = false;
        SmoothedRtt = null;
        Jitter = TimeSpan.Zero;
    }

    private void AddRttSample(TimeSpan rtt)
    {
        // RFC 6298 §2.2: the first sample initialises SRTT; §2.3: later samples with alpha = 1/8.
        SmoothedRtt = SmoothedRtt is { } srtt ? TimeSpan.FromTicks(srtt.Ticks - (srtt.Ticks >> 3) + (rtt.Ticks >> 3)) : rtt;

        // RFC 3550 §6.4.1: J += (|D| - J) / 16.
        if (_lastRtt is { } last)
        {
            long d = Math.Abs(rtt.Ticks - last.Ticks);
            Jitter = TimeSpan.FromTicks(Jitter.Ticks + ((d - Jitter.Ticks) / 16));
        }

        _lastRtt = rtt;
    }
}
