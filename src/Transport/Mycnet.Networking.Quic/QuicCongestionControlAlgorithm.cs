namespace Mycnet.Networking.Quic;

/// <summary>The congestion controller of a connection.</summary>
public enum QuicCongestionControlAlgorithm
{
    /// <summary>CUBIC (RFC 9438) with RFC 9002 slow start. The default.</summary>
    Cubic,

    /// <summary>NewReno as specified for QUIC in RFC 9002 §7.</summary>
    NewReno,
}
