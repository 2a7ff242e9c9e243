namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>An inclusive range of packet numbers, as ACK frames carry them (RFC 9000 §19.3.1).</summary>
internal readonly record struct PacketNumberRange(ulong Start, ulong End)
{
    /// <summary>How many packet numbers the range holds.</summary>
    public ulong Count => End - Start + 1;

    public bool Contains(ulong packetNumber) => packetNumber >= Start && packetNumber <= End;
}
