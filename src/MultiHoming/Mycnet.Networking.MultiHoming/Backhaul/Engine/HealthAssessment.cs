namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>What the evidence says about an interface right now, before hold-downs.</summary>
internal enum HealthSignal
{
    /// <summary>No probe round since the statistics were reset.</summary>
    NoData,

    /// <summary>The link is down or has no usable address.</summary>
    LinkDown,

    /// <summary>Enough whole rounds failed in a row to call the interface down.</summary>
    Failing,

    /// <summary>Above a degraded threshold (failed rounds, loss, RTT or jitter).</summary>
    Degraded,

    /// <summary>Inside the hysteresis band: neither degraded nor recovered.</summary>
    Marginal,

    /// <summary>Within every recovery threshold and the last round answered.</summary>
    Healthy,
}

/// <summary>A health signal with the evidence the state machine needs besides it.</summary>
internal readonly record struct HealthAssessment(
    HealthSignal Signal,
    BackhaulTransitionReason Reason,
    bool LastRoundSucceeded,
    int ConsecutiveSuccessfulRounds)
{
    /// <summary>Classifies the evidence of one interface against the probe thresholds.</summary>
    public static HealthAssessment Assess(DiscoveredInterface info, ProbeStatistics statistics, BackhaulProbeOptions options)
    {
        bool last = statistics.LastRoundSucceeded;
        int successes = statistics.ConsecutiveSuccessfulRounds;
        if (!info.IsOperational)
        {
            return new(HealthSignal.LinkDown, BackhaulTransitionReason.LinkDown, last, successes);
        }

        if (statistics.RoundCount == 0)
        {
            return new(HealthSignal.NoData, BackhaulTransitionReason.ProbeSucceeded, last, successes);
        }

        if (statistics.ConsecutiveFailedRounds >= options.DownAfterFailedRounds)
        {
            return new(HealthSignal.Failing, BackhaulTransitionReason.ProbeFailures, last, successes);
        }

        if (statistics.ConsecutiveFailedRounds >= options.DegradedAfterFailedRounds)
        {
            return new(HealthSignal.Degraded, BackhaulTransitionReason.ProbeFailures, last, successes);
        }

        if (statistics.Loss >= options.DegradedLoss)
        {
            return new(HealthSignal.Degraded, BackhaulTransitionReason.HighLoss, last, successes);
        }

        if (statistics.SmoothedRtt is { } srtt && srtt >= options.DegradedRtt)
        {
            return new(HealthSignal.Degraded, BackhaulTransitionReason.HighLatency, last, successes);
        }

        if (options.DegradedJitter is { } jitterLimit && statistics.Jitter >= jitterLimit)
        {
            return new(HealthSignal.Degraded, BackhaulTransitionReason.HighJitter, last, successes);
        }

        bool recovered = last
            && statistics.Loss <= options.RecoveredLoss
            && (statistics.SmoothedRtt is not { } rtt || rtt <= options.RecoveredRtt)
            && (options.DegradedJitter is not { } jitterMax || statistics.Jitter.Ticks <= jitterMax.Ticks * 3 / 4);
        return new(recovered ? HealthSignal.Healthy : HealthSignal.Marginal, BackhaulTransitionReason.Recovered, last, successes);
    }
}
