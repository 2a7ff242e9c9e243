// Design: packet numbers are 62-bit integers sent truncated to 1–4 bytes (RFC 9000 §17.1).
// Encoding (Appendix A.2): the sender picks the fewest bytes whose range covers at least twice the
// number of packets between the largest acknowledged and the packet being sent, i.e. the smallest n with
//     2 × num_unacked ≤ 2^(8n)      where num_unacked = full_pn − largest_acked (or full_pn + 1 if none),
// so that the receiver, which only knows the largest packet number it has processed, can recover it.
// Decoding (Appendix A.3): the receiver takes the candidate closest to expected = largest + 1 among the
// numbers whose low 8n bits equal the truncated value, i.e. within (expected − 2^(8n−1), expected + 2^(8n−1)],
// with guards against going below 0 or above 2^62. The packet number length itself sits in the two low
// bits of the first byte, which header protection hides until removed (RFC 9001 §5.4).

using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>Packet number encoding, truncation and decoding (RFC 9000 §17.1, Appendix A.2 and A.3).</summary>
internal static class PacketNumber
{
    /// <summary>The largest packet number: 2^62 − 1 (RFC 9000 §12.3).</summary>
    public const ulong MaxValue = VarInt.MaxValue;

    /// <summary>The longest packet number encoding in bytes.</summary>
    public const int MaxLength = 4;

    /// <summary>
    /// How many bytes to send <paramref name="fullPacketNumber"/> in, given the largest packet number the
    /// peer has acknowledged in this space (null when none) (RFC 9000 §17.1, Appendix A.2).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The packet number is not above the largest acknowledged, or more than 2^31 packets are outstanding
    /// (no 4-byte encoding can be decoded unambiguously).
    /// </exception>
    public static int GetEncodedLength(ulong fullPacketNumber, ulong? largestAcknowledged)
    {
        ulong unacknowledged;
        if (largestAcknowledged is { } largest)
        {
            if (fullPacketNumber <= largest)
            {
                throw new ArgumentOutOfRangeException(nameof(fullPacketNumber), fullPacketNumber, "A packet number must exceed the largest acknowledged one.");
            }

            unacknowledged = fullPacketNumber - largest;
        }
        else
        {
            unacknowledged = fullPacketNumber + 1;
        }

        for (int length = 1; length <= MaxLength; length++)
        {
            // 2 × num_unacked ≤ 2^(8n)  ⇔  num_unacked ≤ 2^(8n − 1).
            if (unacknowledged <= 1UL << ((8 * length) - 1))
            {
                return length;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(fullPacketNumber), fullPacketNumber, "More than 2^31 packets are unacknowledged; a packet number cannot be encoded.");
    }

    /// <summary>The low <paramref name="length"/> bytes of <paramref name="fullPacketNumber"/>.</summary>
    public static ulong Truncate(ulong fullPacketNumber, int length)
    {
        ValidateLength(length);
        return fullPacketNumber & ((1UL << (8 * length)) - 1);
    }

    /// <summary>Writes a truncated packet number in exactly <paramref name="length"/> bytes, big-endian.</summary>
    public static void Write(ref WireWriter writer, ulong truncatedPacketNumber, int length)
    {
        ValidateLength(length);
        if (truncatedPacketNumber >> (8 * length) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(truncatedPacketNumber), truncatedPacketNumber, $"The value does not fit {length} bytes; truncate it first.");
        }

        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)truncatedPacketNumber);
        writer.WriteBytes(bytes[(4 - length)..]);
    }

    /// <summary>Reads a truncated packet number of <paramref name="length"/> bytes (after header protection is removed).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, int length, out ulong truncatedPacketNumber)
    {
        truncatedPacketNumber = 0;
        if (length < 1 || length > MaxLength || source.Length < length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            truncatedPacketNumber = (truncatedPacketNumber << 8) | source[i];
        }

        return true;
    }

    /// <summary>
    /// Recovers a full packet number from its truncated value (RFC 9000 Appendix A.3).
    /// <paramref name="largestReceived"/> is the largest packet number successfully processed in this
    /// packet number space, or null when none has been (the expected number is then 0).
    /// </summary>
    public static ulong Decode(ulong truncatedPacketNumber, int packetNumberLength, ulong? largestReceived)
    {
        ValidateLength(packetNumberLength);
        ulong expected = largestReceived is { } largest ? largest + 1 : 0;
        ulong window = 1UL << (8 * packetNumberLength);
        ulong halfWindow = window / 2;
        ulong mask = window - 1;
        ulong candidate = (expected & ~mask) | (truncatedPacketNumber & mask);

        // candidate <= expected - halfWindow, written without underflow.
        if (candidate + halfWindow <= expected && candidate < (1UL << 62) - window)
        {
            return candidate + window;
        }

        if (candidate > expected + halfWindow && candidate >= window)
        {
            return candidate - window;
        }

        return candidate;
    }

    private static void ValidateLength(int length)
    {
        if (length < 1 || length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "A packet number is 1 to 4 bytes long.");
        }
    }
}
