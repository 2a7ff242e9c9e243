namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// The bits of a packet's first byte (RFC 9000 §17.2, §17.3.1). Header protection (RFC 9001 §5.4)
/// hides the low four bits of a long header and the low five of a short header: the packet number
/// length, reserved bits and key phase are read only from the unprotected first byte.
/// </summary>
internal static class PacketFirstByte
{
    /// <summary>Header Form: 1 for a long header.</summary>
    public const byte HeaderFormBit = 0x80;

    /// <summary>Fixed Bit: 1 in every QUIC v1 packet except Version Negotiation.</summary>
    public const byte FixedBit = 0x40;

    /// <summary>The long-header bits header protection masks (RFC 9001 §5.4.1).</summary>
    public const byte LongHeaderProtectedBits = 0x0F;

    /// <summary>The short-header bits header protection masks (RFC 9001 §5.4.1).</summary>
    public const byte ShortHeaderProtectedBits = 0x1F;

    /// <summary>The short-header Spin Bit (RFC 9000 §17.4).</summary>
    public const byte SpinBit = 0x20;

    /// <summary>The short-header Key Phase bit (RFC 9001 §6).</summary>
    public const byte KeyPhaseBit = 0x04;

    private const byte LongHeaderReservedBits = 0x0C;
    private const byte ShortHeaderReservedBits = 0x18;

    /// <summary>Whether the packet has a long header.</summary>
    public static bool IsLongHeader(byte firstByte) => (firstByte & HeaderFormBit) != 0;

    /// <summary>The packet number length in bytes, 1–4, from the unprotected first byte.</summary>
    public static int GetPacketNumberLength(byte unprotectedFirstByte) => (unprotectedFirstByte & 0x03) + 1;

    /// <summary>
    /// Whether the reserved bits of the unprotected first byte are zero. A packet with non-zero reserved
    /// bits, once successfully decrypted, is a PROTOCOL_VIOLATION (RFC 9000 §17.2, §17.3.1).
    /// </summary>
    public static bool ReservedBitsAreZero(byte unprotectedFirstByte) =>
        (unprotectedFirstByte & (IsLongHeader(unprotectedFirstByte) ? LongHeaderReservedBits : ShortHeaderReservedBits)) == 0;

    /// <summary>The Key Phase bit of an unprotected short-header first byte.</summary>
    public static bool GetKeyPhase(byte unprotectedFirstByte) => (unprotectedFirstByte & KeyPhaseBit) != 0;

    /// <summary>The Spin Bit of a short-header first byte (not protected).</summary>
    public static bool GetSpinBit(byte firstByte) => (firstByte & SpinBit) != 0;

    /// <summary>The bits header protection masks for this header form.</summary>
    public static byte GetProtectedBits(byte firstByte) => IsLongHeader(firstByte) ? LongHeaderProtectedBits : ShortHeaderProtectedBits;
}
