namespace Mycnet.Networking.Quic.Core.Recovery.Congestion;

/// <summary>Creates the congestion controller for a path.</summary>
internal static class CongestionControllerFactory
{
    /// <summary>The smallest maximum datagram size QUIC allows (RFC 9000 §14).</summary>
    public const int MinimumMaxDatagramSize = 1200;

    public static ICongestionController Create(CongestionControlAlgorithm algorithm, int maxDatagramSize = MinimumMaxDatagramSize) => algorithm switch
    {
        CongestionControlAlgorithm.NewReno => new NewRenoCongestionController(maxDatagramSize),
        CongestionControlAlgorithm.Cubic => new CubicCongestionController(maxDatagramSize),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "Unknown congestion control algorithm."),
    };
}
