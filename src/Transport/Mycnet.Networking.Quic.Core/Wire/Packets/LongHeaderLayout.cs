namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Where a written long header put its fields, as offsets in the buffer the <see cref="WireWriter"/>
/// writes into (not relative to the packet start, so coalesced packets need no arithmetic).
/// </summary>
/// <param name="PacketStart">Offset of the first byte.</param>
/// <param name="LengthOffset">Offset of the fixed-width Length field to fill in with <see cref="LongHeader.WriteLength"/>.</param>
/// <param name="PacketNumberOffset">Offset of the packet number (header protection samples from PacketNumberOffset + 4).</param>
/// <param name="PacketNumberLength">The packet number length in bytes.</param>
internal readonly record struct LongHeaderLayout(int PacketStart, int LengthOffset, int PacketNumberOffset, int PacketNumberLength)
{
    /// <summary>The header length including the packet number: the AEAD associated data is PacketStart .. PayloadOffset.</summary>
    public int HeaderLength => PayloadOffset - PacketStart;

    /// <summary>Offset of the first payload (frame) byte.</summary>
    public int PayloadOffset => PacketNumberOffset + PacketNumberLength;
}
