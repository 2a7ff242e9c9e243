namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Probe targets, cadence, and the thresholds that turn probe results into a health signal.</summary>
/// <remarks>
/// A round probes every target once from one interface. A round fails when every attempt in it fails.
/// Loss is the share of failed attempts over the last <see cref="WindowRounds"/> rounds. The degraded
/// thresholds and the (lower) recovery thresholds form a hysteresis band: between them nothing changes.
/// </remarks>
public sealed class BackhaulProbeOptions
{
    /// <summary>The targets every interface probes; at least one.</summary>
    public IList<BackhaulProbeTarget> Targets { get; init; } = [];

    /// <summary>Probes beyond the built-in TCP connect and UDP echo (e.g. a QUIC PING), matched by name.</summary>
    public IList<IBackhaulProbe> CustomProbes { get; init; } = [];

    /// <summary>Time between the starts of rounds on one interface (a round never overlaps the previous one).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first round of each interface starts after a random share of the interval up to this fraction, so interfaces do not probe in lockstep.</summary>
    public double StartJitter { get; init; } = 0.2;

    /// <summary>How many recent rounds loss, success and jitter are computed over.</summary>
    public int WindowRounds { get; init; } = 20;

    /// <summary>Consecutive successful rounds a Probing interface needs before it can go Up.</summary>
    public int UpAfterSuccessfulRounds { get; init; } = 3;

    /// <summary>Consecutive failed rounds that signal Degraded.</summary>
    public int DegradedAfterFailedRounds { get; init; } = 2;

    /// <summary>Consecutive failed rounds that signal Down.</summary>
    public int DownAfterFailedRounds { get; init; } = 4;

    /// <summary>Loss at or above which the interface is Degraded.</summary>
    public double DegradedLoss { get; init; } = 0.10;

    /// <summary>Loss at or below which a Degraded interface may recover (hysteresis).</summary>
    public double RecoveredLoss { get; init; } = 0.02;

    /// <summary>Smoothed RTT at or above which the interface is Degraded.</summary>
    public TimeSpan DegradedRtt { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Smoothed RTT at or below which a Degraded interface may recover (hysteresis).</summary>
    public TimeSpan RecoveredRtt { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Jitter at or above which the interface is Degraded; null ignores jitter.</summary>
    public TimeSpan? DegradedJitter { get; init; }

    /// <summary>Settings of the built-in <see cref="BackhaulProbeNames.QuicPing"/> probe; null leaves it unavailable.</summary>
    public QuicPingProbeOptions? QuicPing { get; init; }

    internal void Validate()
    {
        BackhaulManagerOptions.RequireNotNull(Targets, "Probes.Targets");
        BackhaulManagerOptions.RequireNotNull(CustomProbes, "Probes.CustomProbes");
        if (Targets.Count == 0)
        {
            throw BackhaulManagerOptions.Invalid("Probes.Targets needs at least one target.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { BackhaulProbeNames.TcpConnect, BackhaulProbeNames.UdpEcho };
        if (QuicPing is not null)
        {
            QuicPing.Validate();
            names.Add(BackhaulProbeNames.QuicPing);
        }

        foreach (IBackhaulProbe? probe in CustomProbes)
        {
            if (probe is null || string.IsNullOrWhiteSpace(probe.Name))
            {
                throw BackhaulManagerOptions.Invalid("Probes.CustomProbes has a probe without a name.");
            }

            if (!names.Add(probe.Name))
            {
                throw BackhaulManagerOptions.Invalid($"Probes.CustomProbes: the probe name '{probe.Name}' is already taken.");
            }
        }

        foreach (BackhaulProbeTarget? target in Targets)
        {
            if (target?.EndPoint is null || target.EndPoint.Port == 0)
            {
                throw BackhaulManagerOptions.Invalid("Probes.Targets has an entry without an endpoint and port.");
            }

            if (string.Equals(target.Probe, BackhaulProbeNames.QuicPing, StringComparison.Ordinal) && QuicPing is null)
            {
                throw BackhaulManagerOptions.Invalid("Probes.Targets has a quic-ping target but Probes.QuicPing is not set (the probe needs an ALPN and trust settings).");
            }

            if (target.Probe is null || !names.Contains(target.Probe))
            {
                throw BackhaulManagerOptions.Invalid($"Probes.Targets: no probe is named '{target.Probe}'.");
            }
        }

        BackhaulManagerOptions.RequirePositive(Interval, "Probes.Interval");
        BackhaulManagerOptions.RequirePositive(Timeout, "Probes.Timeout");
        BackhaulManagerOptions.RequireFraction(StartJitter, "Probes.StartJitter");
        BackhaulManagerOptions.RequireAtLeast(WindowRounds, 1, "Probes.WindowRounds");
        BackhaulManagerOptions.RequireAtMost(WindowRounds, 10_000, "Probes.WindowRounds");
        BackhaulManagerOptions.RequireAtLeast(UpAfterSuccessfulRounds, 1, "Probes.UpAfterSuccessfulRounds");
        BackhaulManagerOptions.RequireAtLeast(DegradedAfterFailedRounds, 1, "Probes.DegradedAfterFailedRounds");
        if (DownAfterFailedRounds <= DegradedAfterFailedRounds)
        {
            throw BackhaulManagerOptions.Invalid("Probes.DownAfterFailedRounds must exceed Probes.DegradedAfterFailedRounds.");
        }

        BackhaulManagerOptions.RequireFraction(DegradedLoss, "Probes.DegradedLoss");
        BackhaulManagerOptions.RequireFraction(RecoveredLoss, "Probes.RecoveredLoss");
        if (RecoveredLoss >= DegradedLoss)
        {
            throw BackhaulManagerOptions.Invalid("Probes.RecoveredLoss must be below Probes.DegradedLoss (hysteresis).");
        }

        BackhaulManagerOptions.RequirePositive(DegradedRtt, "Probes.DegradedRtt");
        BackhaulManagerOptions.RequirePositive(RecoveredRtt, "Probes.RecoveredRtt");
        if (RecoveredRtt >= DegradedRtt)
        {
            throw BackhaulManagerOptions.Invalid("Probes.RecoveredRtt must be below Probes.DegradedRtt (hysteresis).");
        }

        if (DegradedJitter is { } jitter)
        {
            BackhaulManagerOptions.RequirePositive(jitter, "Probes.DegradedJitter");
        }
    }
}
