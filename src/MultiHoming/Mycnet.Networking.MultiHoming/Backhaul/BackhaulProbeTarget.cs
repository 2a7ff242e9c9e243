using System.Net;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>A target that every interface is probed against, with the probe to use.</summary>
/// <param name="Probe">The <see cref="IBackhaulProbe.Name"/> of the probe that checks this target.</param>
/// <param name="EndPoint">Where the probe goes. Every interface with a source address of this family probes it.</param>
public sealed record BackhaulProbeTarget(string Probe, IPEndPoint EndPoint)
{
    /// <summary>A TCP connect probe to <paramref name="endPoint"/>.</summary>
    public static BackhaulProbeTarget Tcp(IPEndPoint endPoint) => new(BackhaulProbeNames.TcpConnect, endPoint);

    /// <summary>A UDP echo probe to <paramref name="endPoint"/>.</summary>
    public static BackhaulProbeTarget UdpEcho(IPEndPoint endPoint) => new(BackhaulProbeNames.UdpEcho, endPoint);

    /// <summary>A QUIC server to keep a connection to and ping (see <see cref="BackhaulProbeOptions.QuicPing"/>).</summary>
    public static BackhaulProbeTarget QuicPing(IPEndPoint endPoint) => new(BackhaulProbeNames.QuicPing, endPoint);

    /// <inheritdoc />
    public override string ToString() => $"{Probe}:{EndPoint}";
}

/// <summary>The outcome of one probe attempt.</summary>
public readonly record struct BackhaulProbeResult
{
    private BackhaulProbeResult(bool succeeded, TimeSpan roundTripTime, string? error)
    {
        Succeeded = succeeded;
        RoundTripTime = roundTripTime;
        Error = error;
    }

    /// <summary>Whether the target answered.</summary>
    public bool Succeeded { get; }

    /// <summary>The measured round-trip time when <see cref="Succeeded"/>; zero otherwise.</summary>
    public TimeSpan RoundTripTime { get; }

    /// <summary>Why the attempt failed, when it did.</summary>
    public string? Error { get; }

    /// <summary>A successful attempt with its round-trip time.</summary>
    public static BackhaulProbeResult Success(TimeSpan roundTripTime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTripTime, TimeSpan.Zero);
        return new BackhaulProbeResult(succeeded: true, roundTripTime, error: null);
    }

    /// <summary>A failed attempt with the reason.</summary>
    public static BackhaulProbeResult Failure(string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(error);
        return new BackhaulProbeResult(succeeded: false, TimeSpan.Zero, error);
    }
}
