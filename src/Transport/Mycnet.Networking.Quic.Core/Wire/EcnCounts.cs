namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>The ECN counts an ACK frame of type 0x03 carries (RFC 9000 §19.3.2).</summary>
internal readonly record struct EcnCounts(ulong Ect0, ulong Ect1, ulong Ce);

/// <summary>The ECN codepoint of an IP packet (RFC 3168): the two low bits of the TOS / traffic class byte.</summary>
public enum EcnCodepoint : byte
{
    NotEct = 0b00,
    Ect1 = 0b01,
    Ect0 = 0b10,
    Ce = 0b11,
}
