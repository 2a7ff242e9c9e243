namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// The kinds of QUIC v1 packets (RFC 9000 §17), plus <see cref="UnsupportedVersion"/> for a long-header
/// packet of a version this engine does not speak, of which only the invariants (RFC 8999) are known.
/// </summary>
internal enum PacketType
{
    /// <summary>Long header, type 0x0 (RFC 9000 §17.2.2).</summary>
    Initial = 0,

    /// <summary>Long header, type 0x1 (RFC 9000 §17.2.3).</summary>
    ZeroRtt = 1,

    /// <summary>Long header, type 0x2 (RFC 9000 §17.2.4).</summary>
    Handshake = 2,

    /// <summary>Long header, type 0x3 (RFC 9000 §17.2.5).</summary>
    Retry = 3,

    /// <summary>Long header with version 0 (RFC 9000 §17.2.1).</summary>
    VersionNegotiation = 4,

    /// <summary>Short header (RFC 9000 §17.3.1).</summary>
    OneRtt = 5,

    /// <summary>Long header of an unknown version: version, DCID and SCID only (RFC 8999 §5.1).</summary>
    UnsupportedVersion = 6,
}
