namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Walks the packets coalesced in one UDP datagram (RFC 9000 §12.2). Each long-header packet with a
/// Length field ends where that field says; a short-header, Retry, Version Negotiation or
/// unknown-version packet takes the rest of the datagram.
/// </summary>
/// <remarks>
/// Usage: <c>while (reader.TryReadNext(out var header, out int offset)) { ... datagram.Slice(offset, header.PacketLength) ... }</c>.
/// Packets whose DCID differs from the first packet's are skipped and counted in
/// <see cref="SkippedPacketCount"/> (RFC 9000 §12.2: receivers SHOULD ignore them). Iteration stops
/// at the first header that does not parse; <see cref="RemainingLength"/> then tells how many trailing
/// bytes were dropped. Allocates nothing.
/// </remarks>
internal ref struct CoalescedPacketReader
{
    private readonly ReadOnlySpan<byte> _datagram;
    private readonly int _shortHeaderDcidLength;
    private ReadOnlySpan<byte> _firstDcid;
    private int _offset;
    private int _packetCount;

    public CoalescedPacketReader(ReadOnlySpan<byte> datagram, int shortHeaderDcidLength)
    {
        _datagram = datagram;
        _shortHeaderDcidLength = shortHeaderDcidLength;
        _firstDcid = default;
        _offset = 0;
        _packetCount = 0;
        SkippedPacketCount = 0;
    }

    /// <summary>The offset at which the next packet would start.</summary>
    public readonly int Offset => _offset;

    /// <summary>Bytes not yet consumed: after <see cref="TryReadNext"/> returns false, the dropped tail.</summary>
    public readonly int RemainingLength => _datagram.Length - _offset;

    /// <summary>How many packets were skipped because their DCID differed from the first packet's.</summary>
    public int SkippedPacketCount { get; private set; }

    /// <summary>Reads the next packet's header; false at the end or at an unparseable remainder.</summary>
    /// <param name="header">The header; its spans are slices of the datagram.</param>
    /// <param name="packetOffset">Where the packet starts in the datagram (to slice a writable copy for in-place decryption).</param>
    public bool TryReadNext(out PacketHeader header, out int packetOffset)
    {
        while (_offset < _datagram.Length)
        {
            packetOffset = _offset;
            if (!PacketHeader.TryParse(_datagram[_offset..], _shortHeaderDcidLength, out PacketHeader parsed) || parsed.PacketLength == 0)
            {
                header = default;
                return false;
            }

            _offset += parsed.PacketLength;
            if (_packetCount++ == 0)
            {
                _firstDcid = parsed.DestinationConnectionId;
            }
            else if (!parsed.DestinationConnectionId.SequenceEqual(_firstDcid))
            {
                SkippedPacketCount++;
                continue;
            }

            header = parsed;
            return true;
        }

        header = default;
        packetOffset = _offset;
        return false;
    }
}
