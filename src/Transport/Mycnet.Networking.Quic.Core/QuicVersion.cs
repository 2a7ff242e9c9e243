namespace Mycnet.Networking.Quic.Core;

/// <summary>QUIC version numbers this engine knows (RFC 9000 §15).</summary>
internal static class QuicVersion
{
    /// <summary>QUIC version 1 (RFC 9000).</summary>
    public const uint Version1 = 0x00000001;

    /// <summary>The version field of a Version Negotiation packet (RFC 9000 §17.2.1).</summary>
    public const uint Negotiation = 0x00000000;

    /// <summary>Whether a version follows the reserved pattern 0x?a?a?a?a used to exercise negotiation (RFC 9000 §15).</summary>
    public static bool IsReservedForNegotiation(uint version) => (version & 0x0F0F0F0F) == 0x0A0A0A0A;

    /// <summary>Whether this engine speaks <paramref name="version"/>.</summary>
    public static bool IsSupported(uint version) => version == Version1;
}
