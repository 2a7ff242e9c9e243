using System.Text;

namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// QPACK wire primitives (RFC 9204 §4.1): prefixed integers (RFC 7541 §5.1) of up to 62 bits and
/// N-bit-prefix string literals with an optional Huffman flag (RFC 7541 §5.2, RFC 9204 §4.1.2).
/// Readers never throw: malformed or truncated input returns false.
/// </summary>
internal static class QpackPrimitives
{
    /// <summary>RFC 9204 §4.1.1: integers up to and including 62 bits must decode; larger ones are refused.</summary>
    public const ulong MaxInteger = (1UL << 62) - 1;

    /// <summary>
    /// Reads a prefixed integer whose prefix is the low <paramref name="prefixBits"/> bits (1..8) of
    /// <c>source[position]</c>; advances <paramref name="position"/> past it.
    /// </summary>
    public static bool TryReadInteger(ReadOnlySpan<byte> source, ref int position, int prefixBits, out ulong value)
    {
        value = 0;
        if (position >= source.Length)
        {
            return false;
        }

        int p = position;
        uint mask = (1u << prefixBits) - 1;
        value = source[p++] & mask;
        if (value < mask)
        {
            position = p;
            return true;
        }

        int shift = 0;
        while (true)
        {
            if (p >= source.Length || shift > 56)
            {
                return false;
            }

            byte b = source[p++];
            value += (ulong)(b & 0x7F) << shift;
            if (value > MaxInteger)
            {
                return false;
            }

            shift += 7;
            if ((b & 0x80) == 0)
            {
                position = p;
                return true;
            }
        }
    }

    /// <summary>
    /// Reads a string literal whose Huffman flag is bit <paramref name="prefixBits"/> of the first byte
    /// and whose length is an integer with a (<paramref name="prefixBits"/>)-bit prefix below it
    /// (RFC 9204 §4.1.2: an "N-bit prefix string literal" has N = prefixBits + 1). The value is
    /// decoded as Latin-1 so every byte survives. Returns <see cref="QpackStringStatus.Malformed"/> on
    /// truncation or invalid Huffman data and <see cref="QpackStringStatus.TooLong"/> when the string
    /// (decoded) is longer than <paramref name="maxLength"/>; <paramref name="position"/> advances only on success.
    /// </summary>
    public static QpackStringStatus TryReadString(ReadOnlySpan<byte> source, ref int position, int prefixBits, int maxLength, out string value)
    {
        value = string.Empty;
        if (position >= source.Length)
        {
            return QpackStringStatus.Malformed;
        }

        bool huffman = (source[position] & (1 << prefixBits)) != 0;
        int p = position;
        if (!TryReadInteger(source, ref p, prefixBits, out ulong length) || length > (ulong)(source.Length - p))
        {
            return QpackStringStatus.Malformed;
        }

        ReadOnlySpan<byte> encoded = source.Slice(p, (int)length);
        if (!huffman)
        {
            if (encoded.Length > maxLength)
            {
                return QpackStringStatus.TooLong;
            }

            value = Encoding.Latin1.GetString(encoded);
        }
        else
        {
            // Decode into room for one byte more than allowed, so "too long" and "malformed" stay apart.
            int capacity = (int)Math.Min(HpackHuffman.GetMaxDecodedLength(encoded.Length), (long)maxLength + 1);
            byte[] decoded = new byte[capacity];
            if (!HpackHuffman.TryDecode(encoded, decoded, out int written))
            {
                return written == capacity && capacity > maxLength ? QpackStringStatus.TooLong : QpackStringStatus.Malformed;
            }

            if (written > maxLength)
            {
                return QpackStringStatus.TooLong;
            }

            value = Encoding.Latin1.GetString(decoded, 0, written);
        }

        position = p + (int)length;
        return QpackStringStatus.Ok;
    }

    /// <summary>The number of bytes <see cref="WriteInteger"/> needs for <paramref name="value"/>.</summary>
    public static int GetIntegerLength(ulong value, int prefixBits)
    {
        ulong mask = (1UL << prefixBits) - 1;
        if (value < mask)
        {
            return 1;
        }

        value -= mask;
        int length = 2;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }

    /// <summary>
    /// Writes <paramref name="value"/> as a prefixed integer: the high bits of the first byte are
    /// <paramref name="firstByteFlags"/>; returns the length written (see <see cref="GetIntegerLength"/>).
    /// </summary>
    public static int WriteInteger(Span<byte> destination, ulong value, int prefixBits, byte firstByteFlags)
    {
        ulong mask = (1UL << prefixBits) - 1;
        if (value < mask)
        {
            destination[0] = (byte)(firstByteFlags | (byte)value);
            return 1;
        }

        destination[0] = (byte)(firstByteFlags | (byte)mask);
        value -= mask;
        int p = 1;
        while (value >= 0x80)
        {
            destination[p++] = (byte)(0x80 | (value & 0x7F));
            value >>= 7;
        }

        destination[p++] = (byte)value;
        return p;
    }
}

/// <summary>The outcome of <see cref="QpackPrimitives.TryReadString"/>.</summary>
internal enum QpackStringStatus
{
    Ok,
    Malformed,
    TooLong,
}
