namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>Writes the short header of 1-RTT packets (RFC 9000 §17.3.1).</summary>
/// <remarks>
/// There is no Length field: a 1-RTT packet runs to the end of the datagram, so it is always the last
/// packet of a coalesced datagram. After writing frames and encrypting, apply header protection with
/// the sample at packet number offset + 4 (RFC 9001 §5.4.2).
/// </remarks>
internal static class ShortHeader
{
    /// <summary>The header length up to and including the packet number.</summary>
    public static int GetHeaderLength(int dcidLength, int packetNumberLength) => 1 + dcidLength + packetNumberLength;

    /// <summary>
    /// Writes the first byte (form 0, fixed bit 1, spin bit, reserved bits 0, key phase, packet number
    /// length), the DCID and the truncated packet number. Returns the packet number's offset in the
    /// writer's buffer.
    /// </summary>
    /// <exception cref="ArgumentException">The connection ID is longer than 20 bytes.</exception>
    public static int Write(ref WireWriter writer, scoped ReadOnlySpan<byte> destinationConnectionId, bool spinBit, bool keyPhase, ulong truncatedPacketNumber, int packetNumberLength)
    {
        LongHeader.ValidateConnectionId(destinationConnectionId, nameof(destinationConnectionId));
        ArgumentOutOfRangeException.ThrowIfLessThan(packetNumberLength, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(packetNumberLength, PacketNumber.MaxLength);

        int first = PacketFirstByte.FixedBit | (packetNumberLength - 1);
        if (spinBit)
        {
            first |= PacketFirstByte.SpinBit;
        }

        if (keyPhase)
        {
            first |= PacketFirstByte.KeyPhaseBit;
        }

        writer.WriteByte((byte)first);
        writer.WriteBytes(destinationConnectionId);
        int packetNumberOffset = writer.Position;
        PacketNumber.Write(ref writer, truncatedPacketNumber, packetNumberLength);
        return packetNumberOffset;
    }
}
