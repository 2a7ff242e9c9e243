namespace Mycnet.Networking.Protocols.Adaptive;

/// <summary>What the transport measured on the path to the peer. Zero means "not measured yet".</summary>
/// <param name="SmoothedRoundTripTime">The smoothed RTT (RFC 9002 §5.3).</param>
/// <param name="ThroughputBytesPerSecond">The recent delivery rate of application bytes.</param>
public readonly record struct PathMeasurements(TimeSpan SmoothedRoundTripTime, long ThroughputBytesPerSecond)
{
    /// <summary>Nothing measured yet.</summary>
    public static PathMeasurements None => default;

    /// <summary>Whether an RTT was measured.</summary>
    public bool HasRoundTripTime => SmoothedRoundTripTime > TimeSpan.Zero;

    /// <summary>Whether a throughput was measured.</summary>
    public bool HasThroughput => ThroughputBytesPerSecond > 0;
}
