// Design: an ACK frame (RFC 9000 §19.3) describes acknowledged packet numbers as ranges walking down
// from Largest Acknowledged: First ACK Range covers [Largest - FirstRange, Largest]; then each
// (Gap, ACK Range Length) pair skips Gap + 1 unacknowledged numbers below the previous range's smallest
// and covers Length + 1 numbers (§19.3.1):
//     largest_i  = smallest_{i-1} - Gap - 2
//     smallest_i = largest_i - Length
// Parsing walks the pairs once to validate them (no underflow below 0, which RFC 9000 §19.3.1 calls a
// FRAME_ENCODING_ERROR) and keeps the encoded pairs as a span of the packet. Enumerating re-decodes that
// span with a ref-struct enumerator, so a received ACK of any size costs no allocation and no copy.
// The send-side encoder (ranges → frame) lives in AckFrame.Encode.cs.

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// ACK (RFC 9000 §19.3), types 0x02 and 0x03 (with ECN counts). Parsed ranges are validated during
/// <see cref="TryParse"/>; <see cref="GetRanges"/> yields them in descending order without allocating.
/// </summary>
internal readonly ref partial struct AckFrame : IQuicFrame<AckFrame>
{
    private readonly ReadOnlySpan<byte> _encodedRanges;

    private AckFrame(ulong largest, ulong ackDelay, ulong firstRange, int rangeCount, ReadOnlySpan<byte> encodedRanges, EcnCounts? ecn)
    {
        LargestAcknowledged = largest;
        AckDelay = ackDelay;
        FirstRange = firstRange;
        AdditionalRangeCount = rangeCount;
        _encodedRanges = encodedRanges;
        Ecn = ecn;
    }

    /// <summary>The largest packet number acknowledged.</summary>
    public ulong LargestAcknowledged { get; }

    /// <summary>
    /// The ACK Delay field as encoded: microseconds divided by 2^ack_delay_exponent of the sender. Use
    /// <see cref="GetAckDelay"/> to scale it.
    /// </summary>
    public ulong AckDelay { get; }

    /// <summary>The First ACK Range field: how many packet numbers below Largest Acknowledged are also acknowledged.</summary>
    public ulong FirstRange { get; }

    /// <summary>The ACK Range Count field: the number of Gap / ACK Range pairs after the first range.</summary>
    public int AdditionalRangeCount { get; }

    /// <summary>The total number of ranges, the first one included.</summary>
    public int RangeCount => AdditionalRangeCount + 1;

    /// <summary>The ECN counts of a type 0x03 frame; null for type 0x02.</summary>
    public EcnCounts? Ecn { get; }

    /// <summary>The smallest packet number acknowledged (the bottom of the last range).</summary>
    public ulong SmallestAcknowledged
    {
        get
        {
            ulong smallest = 0;
            foreach (PacketNumberRange range in GetRanges())
            {
                smallest = range.Start;
            }

            return smallest;
        }
    }

    /// <summary>The acknowledged ranges, highest first, without allocation.</summary>
    public AckRangeEnumerator GetRanges() => new(LargestAcknowledged, FirstRange, AdditionalRangeCount, _encodedRanges);

    /// <summary>
    /// The ACK delay scaled by the sender's ack_delay_exponent (RFC 9000 §19.3, §18.2), saturating at
    /// <see cref="TimeSpan.MaxValue"/> for absurd values.
    /// </summary>
    public TimeSpan GetAckDelay(int ackDelayExponent) => DecodeAckDelay(AckDelay, ackDelayExponent);

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out AckFrame frame)
    {
        frame = default;
        if ((frameType != FrameType.Ack && frameType != FrameType.AckEcn)
            || !reader.TryReadVarInt(out ulong largest)
            || !reader.TryReadVarInt(out ulong ackDelay)
            || !reader.TryReadVarInt(out ulong rangeCount)
            || !reader.TryReadVarInt(out ulong firstRange))
        {
            return false;
        }

        // First ACK Range larger than Largest Acknowledged would go below 0 (RFC 9000 §19.3.1).
        // Each further range takes at least two bytes, which bounds the loop by the buffer.
        if (firstRange > largest || rangeCount > (ulong)(reader.Remaining / 2))
        {
            return false;
        }

        ulong smallest = largest - firstRange;
        int rangesStart = reader.Position;
        for (ulong i = 0; i < rangeCount; i++)
        {
            if (!reader.TryReadVarInt(out ulong gap) || !reader.TryReadVarInt(out ulong length))
            {
                return false;
            }

            // largest_i = smallest - gap - 2 must not go below 0; nor may smallest_i = largest_i - length.
            if (gap + 2 > smallest)
            {
                return false;
            }

            ulong rangeLargest = smallest - gap - 2;
            if (length > rangeLargest)
            {
                return false;
            }

            smallest = rangeLargest - length;
        }

        ReadOnlySpan<byte> encodedRanges = reader.Buffer[rangesStart..reader.Position];
        EcnCounts? ecn = null;
        if (frameType == FrameType.AckEcn)
        {
            if (!reader.TryReadVarInt(out ulong ect0) || !reader.TryReadVarInt(out ulong ect1) || !reader.TryReadVarInt(out ulong ce))
            {
                return false;
            }

            ecn = new EcnCounts(ect0, ect1, ce);
        }

        frame = new AckFrame(largest, ackDelay, firstRange, (int)rangeCount, encodedRanges, ecn);
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() =>
        1 + VarInt.GetLength(LargestAcknowledged) + VarInt.GetLength(AckDelay)
        + VarInt.GetLength((ulong)AdditionalRangeCount) + VarInt.GetLength(FirstRange)
        + _encodedRanges.Length + GetEcnLength(Ecn);

    /// <summary>Writes the frame as parsed (ranges re-emitted byte for byte).</summary>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)(Ecn.HasValue ? FrameType.AckEcn : FrameType.Ack));
        writer.WriteVarInt(LargestAcknowledged);
        writer.WriteVarInt(AckDelay);
        writer.WriteVarInt((ulong)AdditionalRangeCount);
        writer.WriteVarInt(FirstRange);
        writer.WriteBytes(_encodedRanges);
        WriteEcn(ref writer, Ecn);
    }

    /// <summary>Scales an encoded ACK delay: value × 2^exponent microseconds, saturating.</summary>
    public static TimeSpan DecodeAckDelay(ulong encoded, int ackDelayExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackDelayExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ackDelayExponent, 20);
        const ulong MaxMicroseconds = (ulong)(long.MaxValue / TimeSpan.TicksPerMicrosecond);
        if (encoded > (MaxMicroseconds >> ackDelayExponent))
        {
            return TimeSpan.MaxValue;
        }

        return TimeSpan.FromTicks((long)(encoded << ackDelayExponent) * TimeSpan.TicksPerMicrosecond);
    }

    /// <summary>Encodes an ACK delay for the ACK Delay field: microseconds ÷ 2^exponent, rounded down.</summary>
    public static ulong EncodeAckDelay(TimeSpan delay, int ackDelayExponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ackDelayExponent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ackDelayExponent, 20);
        if (delay <= TimeSpan.Zero)
        {
            return 0;
        }

        ulong micros = (ulong)(delay.Ticks / TimeSpan.TicksPerMicrosecond);
        return Math.Min(micros >> ackDelayExponent, VarInt.MaxValue);
    }
}
