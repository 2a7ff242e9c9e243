namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// One way of checking that an interface reaches a target: a TCP connect, a UDP echo, and later a
/// QUIC PING over the managed engine. The manager runs it once per target per round from the interface
/// under test and owns the timeout (the token is cancelled when the probe timeout elapses or the manager
/// shuts down). Rounds of different interfaces run concurrently, so a probe must be thread-safe; it may
/// keep state across calls (a QUIC probe would keep a connection per interface and target).
/// </summary>
/// <remarks>
/// Probes are matched to targets by <see cref="Name"/> (<see cref="BackhaulProbeTarget.Probe"/>). The
/// built-ins are named by <see cref="BackhaulProbeNames"/>; custom probes are added through
/// <see cref="BackhaulProbeOptions.CustomProbes"/>. A probe reports an unreachable target as a failed
/// <see cref="BackhaulProbeResult"/>; it throws only when it cannot run at all (a
/// <see cref="BackhaulException"/> of kind <see cref="BackhaulErrorKind.Probe"/>), which the manager
/// also counts as a failed attempt.
/// </remarks>
public interface IBackhaulProbe
{
    /// <summary>The name targets refer to, e.g. <c>tcp-connect</c>.</summary>
    string Name { get; }

    /// <summary>Probes <see cref="BackhaulProbeContext.Target"/> from the context's interface once.</summary>
    ValueTask<BackhaulProbeResult> ProbeAsync(BackhaulProbeContext context, CancellationToken cancellationToken);
}

/// <summary>Names of the built-in probes.</summary>
public static class BackhaulProbeNames
{
    /// <summary>A TCP handshake to the target; a refused connection also proves the path works.</summary>
    public const string TcpConnect = "tcp-connect";

    /// <summary>A UDP datagram the target echoes back unchanged.</summary>
    public const string UdpEcho = "udp-echo";

    /// <summary>A QUIC connection from the interface to the target, tested with PING frames (RFC 9000 §19.2); needs <see cref="BackhaulProbeOptions.QuicPing"/>.</summary>
    public const string QuicPing = "quic-ping";
}
