namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Sizing arithmetic shared by the frames whose data is copied straight into a packet (STREAM, CRYPTO,
/// DATAGRAM).
/// </summary>
/// <remarks>
/// Design: the largest data length <c>d</c> that fits <c>room</c> bytes together with its own Length
/// varint satisfies <c>d + VarInt.GetLength(d) ≤ room</c>. The varint size is a step function of
/// <c>d</c>, so the answer is the best of four candidates, one per varint size <c>L</c>:
/// <c>min(room − L, largest value an L-byte varint holds)</c>. Checking each candidate against the
/// size it assumes avoids the off-by-one at a step (room 65 fits 63 bytes, not 64: 64 needs a
/// two-byte length).
/// </remarks>
internal static class FrameSizing
{
    /// <summary>
    /// The largest data length that fits in <paramref name="room"/> bytes after a varint Length field
    /// of that data length is written; -1 when not even an empty length-prefixed field fits.
    /// </summary>
    public static long GetMaxLengthPrefixedData(long room)
    {
        if (room < 1)
        {
            return -1;
        }

        long best = Math.Min(room - 1, 63);
        best = Math.Max(best, Math.Min(room - 2, 16383));
        best = Math.Max(best, Math.Min(room - 4, 1073741823));
        best = Math.Max(best, Math.Min(room - 8, (long)VarInt.MaxValue));
        return best;
    }

    /// <summary>
    /// Caps a data length so that <c>offset + length ≤ 2^62 − 1</c>, the largest stream / crypto offset
    /// (RFC 9000 §19.6, §19.8), and converts it to <see cref="int"/> (a packet never holds more).
    /// </summary>
    public static int CapToOffsetLimit(long length, ulong offset)
    {
        if (length < 0)
        {
            return -1;
        }

        ulong limit = offset >= VarInt.MaxValue ? 0 : VarInt.MaxValue - offset;
        ulong capped = Math.Min((ulong)length, limit);
        return (int)Math.Min(capped, int.MaxValue);
    }
}
