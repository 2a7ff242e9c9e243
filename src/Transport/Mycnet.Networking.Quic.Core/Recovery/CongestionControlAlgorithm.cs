namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>The congestion control algorithm a path uses in the managed QUIC engine.</summary>
public enum CongestionControlAlgorithm
{
    /// <summary>NewReno as specified for QUIC in RFC 9002 §7.</summary>
    NewReno = 0,

    /// <summary>CUBIC (RFC 9438), with slow start as in RFC 9002.</summary>
    Cubic = 1,
}
