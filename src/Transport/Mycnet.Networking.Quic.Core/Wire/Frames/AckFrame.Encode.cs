// Design: the sender keeps the packet numbers it has received as ranges, highest first, and encodes an
// ACK straight from them (RFC 9000 §19.3.1): Largest = ranges[0].End, First ACK Range =
// ranges[0].End - ranges[0].Start, and for each later range i
//     Gap    = ranges[i-1].Start - ranges[i].End - 2   (unacknowledged numbers between, minus one)
//     Length = ranges[i].End - ranges[i].Start
// Ranges must be disjoint, non-adjacent and strictly descending; anything else is a caller bug and
// throws. When the frame would not fit the room left in a packet, GetRangeCountThatFits returns how many
// of the highest ranges fit, so the sender drops the oldest ones (RFC 9000 §13.2.4 allows limiting
// ranges); the ACK Range Count varint may itself shrink as ranges are dropped, which the count accounts for.

namespace Mycnet.Networking.Quic.Core.Wire;

internal readonly ref partial struct AckFrame
{
    /// <summary>The encoded length of an ACK frame built from <paramref name="rangesDescending"/>.</summary>
    /// <exception cref="ArgumentException">The ranges are empty, overlapping, adjacent or not descending.</exception>
    public static int GetEncodedLength(ReadOnlySpan<PacketNumberRange> rangesDescending, ulong ackDelayEncoded, EcnCounts? ecn)
    {
        ValidateRanges(rangesDescending);
        int length = GetFixedLength(rangesDescending, ackDelayEncoded, ecn);
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            length += GetPairLength(rangesDescending[i - 1], rangesDescending[i]);
        }

        return length;
    }

    /// <summary>
    /// Writes an ACK frame (type 0x03 when <paramref name="ecn"/> is given, else 0x02) acknowledging
    /// <paramref name="rangesDescending"/>, highest range first.
    /// </summary>
    /// <exception cref="ArgumentException">The ranges are empty, overlapping, adjacent or not descending.</exception>
    public static void Write(ref WireWriter writer, ReadOnlySpan<PacketNumberRange> rangesDescending, ulong ackDelayEncoded, EcnCounts? ecn)
    {
        ValidateRanges(rangesDescending);
        PacketNumberRange first = rangesDescending[0];
        writer.WriteByte((byte)(ecn.HasValue ? FrameType.AckEcn : FrameType.Ack));
        writer.WriteVarInt(first.End);
        writer.WriteVarInt(ackDelayEncoded);
        writer.WriteVarInt((ulong)(rangesDescending.Length - 1));
        writer.WriteVarInt(first.End - first.Start);
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            PacketNumberRange previous = rangesDescending[i - 1];
            PacketNumberRange range = rangesDescending[i];
            writer.WriteVarInt(previous.Start - range.End - 2);
            writer.WriteVarInt(range.End - range.Start);
        }

        WriteEcn(ref writer, ecn);
    }

    /// <summary>
    /// How many of the highest ranges of <paramref name="rangesDescending"/> fit in an ACK frame of at
    /// most <paramref name="availableBytes"/> bytes; 0 when not even the first range fits. Pass
    /// <c>rangesDescending[..count]</c> to <see cref="Write(ref WireWriter, ReadOnlySpan{PacketNumberRange}, ulong, EcnCounts?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The ranges are empty, overlapping, adjacent or not descending.</exception>
    public static int GetRangeCountThatFits(ReadOnlySpan<PacketNumberRange> rangesDescending, ulong ackDelayEncoded, EcnCounts? ecn, int availableBytes)
    {
        ValidateRanges(rangesDescending);

        // Length without the ACK Range Count field, which depends on how many ranges are kept.
        int lengthWithoutCount = GetFixedLength(rangesDescending, ackDelayEncoded, ecn) - VarInt.GetLength((ulong)(rangesDescending.Length - 1));
        if (lengthWithoutCount + 1 > availableBytes)
        {
            return 0;
        }

        int count = 1;
        for (int i = 1; i < rangesDescending.Length; i++)
        {
            int next = lengthWithoutCount + GetPairLength(rangesDescending[i - 1], rangesDescending[i]);
            if (next + VarInt.GetLength((ulong)i) > availableBytes)
            {
                break;
            }

            lengthWithoutCount = next;
            count++;
        }

        return count;
    }

    /// <summary>Type, Largest Acknowledged, ACK Delay, ACK Range Count, First ACK Range and ECN counts.</summary>
    private static int GetFixedLength(ReadOnlySpan<PacketNumberRange> rangesDescending, ulong ackDelayEncoded, EcnCounts? ecn)
    {
        PacketNumberRange first = rangesDescending[0];
        return 1 + VarInt.GetLength(first.End) + VarInt.GetLength(ackDelayEncoded)
            + VarInt.GetLength((ulong)(rangesDescending.Length - 1)) + VarInt.GetLength(first.End - first.Start)
            + GetEcnLength(ecn);
    }

    private static int GetPairLength(PacketNumberRange previous, PacketNumberRange range) =>
        VarInt.GetLength(previous.Start - range.End - 2) + VarInt.GetLength(range.End - range.Start);

    private static int GetEcnLength(EcnCounts? ecn) =>
        ecn is { } counts ? VarInt.GetLength(counts.Ect0) + VarInt.GetLength(counts.Ect1) + VarInt.GetLength(counts.Ce) : 0;

    private static void WriteEcn(ref WireWriter writer, EcnCounts? ecn)
    {
        if (ecn is { } counts)
        {
            writer.WriteVarInt(counts.Ect0);
            writer.WriteVarInt(counts.Ect1);
            writer.WriteVarInt(counts.Ce);
        }
    }

    private static void ValidateRanges(ReadOnlySpan<PacketNumberRange> rangesDescending)
    {
        if (rangesDescending.IsEmpty)
        {
            throw new ArgumentException("An ACK frame acknowledges at least one range.", nameof(rangesDescending));
        }

        for (int i = 0; i < rangesDescending.Length; i++)
        {
            PacketNumberRange range = rangesDescending[i];
            if (range.Start > range.End || range.End > VarInt.MaxValue)
            {
                throw new ArgumentException($"Range {i} [{range.Start}, {range.End}] is empty or beyond 2^62 - 1.", nameof(rangesDescending));
            }

            // At least one unacknowledged packet number separates consecutive ranges.
            if (i > 0 && (range.End >= rangesDescending[i - 1].Start || rangesDescending[i - 1].Start - range.End < 2))
            {
                throw new ArgumentException($"Range {i} overlaps, touches or is above range {i - 1}; ranges must be descending and disjoint.", nameof(rangesDescending));
            }
        }
    }
}
