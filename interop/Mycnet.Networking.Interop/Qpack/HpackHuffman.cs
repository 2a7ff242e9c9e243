namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// Huffman encoding and decoding of string literals (RFC 7541 §5.2 with the code of Appendix B,
/// used unmodified by QPACK, RFC 9204 §4.1.2).
/// </summary>
/// <remarks>
/// Decoding walks the input bit by bit and uses the canonical structure of the code: all codes of one
/// length are consecutive integers, so after each bit the decoder checks whether the bits collected so
/// far fall inside the range of codes of that length. Field sections are small (bounded by the
/// HEADERS frame limit), so a table-driven byte-at-a-time decoder would buy nothing here. A string is
/// rejected when it holds the EOS symbol, when its padding is longer than 7 bits, or when the padding
/// is not the most significant bits of EOS (all ones), as §5.2 requires.
/// </remarks>
internal static class HpackHuffman
{
    private const int MaxCodeLength = 30;

    private static readonly DecodeTables Tables = DecodeTables.Build();

    /// <summary>The largest number of bytes <paramref name="encodedLength"/> Huffman-coded bytes can decode to (the shortest code has 5 bits).</summary>
    public static int GetMaxDecodedLength(int encodedLength) => (int)((long)encodedLength * 8 / 5);

    /// <summary>The number of bytes <see cref="Encode"/> writes for <paramref name="source"/>.</summary>
    public static int GetEncodedLength(ReadOnlySpan<byte> source)
    {
        ReadOnlySpan<HuffmanCode> codes = HpackHuffmanTable.Codes;
        long bits = 0;
        foreach (byte b in source)
        {
            bits += codes[b].Length;
        }

        return (int)((bits + 7) / 8);
    }

    /// <summary>
    /// Encodes <paramref name="source"/> into <paramref name="destination"/> (at least
    /// <see cref="GetEncodedLength"/> bytes), padding the last byte with the high bits of EOS; returns the length written.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ReadOnlySpan<HuffmanCode> codes = HpackHuffmanTable.Codes;
        ulong pending = 0;
        int pendingBits = 0;
        int written = 0;
        foreach (byte b in source)
        {
            HuffmanCode code = codes[b];
            pending = (pending << code.Length) | code.Code;
            pendingBits += code.Length;
            while (pendingBits >= 8)
            {
                pendingBits -= 8;
                destination[written++] = (byte)(pending >> pendingBits);
            }

            pending &= (1UL << pendingBits) - 1;
        }

        if (pendingBits > 0)
        {
            destination[written++] = (byte)((pending << (8 - pendingBits)) | (0xFFu >> pendingBits));
        }

        return written;
    }

    /// <summary>
    /// Decodes <paramref name="source"/> into <paramref name="destination"/>. Returns false when the
    /// input is not a valid Huffman-coded string (EOS inside, bad padding) or the output does not fit.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, Span<byte> destination, out int written)
    {
        DecodeTables tables = Tables;
        written = 0;
        uint code = 0;
        int length = 0;
        foreach (byte b in source)
        {
            for (int shift = 7; shift >= 0; shift--)
            {
                code = (code << 1) | (uint)((b >> shift) & 1);
                length++;
                uint offset = code - tables.FirstCode[length];
                if (code >= tables.FirstCode[length] && offset < (uint)tables.Count[length])
                {
                    int symbol = tables.SortedSymbols[tables.FirstIndex[length] + (int)offset];
                    if (symbol == HpackHuffmanTable.Eos || written == destination.Length)
                    {
                        return false;
                    }

                    destination[written++] = (byte)symbol;
                    code = 0;
                    length = 0;
                }
                else if (length == MaxCodeLength)
                {
                    return false;
                }
            }
        }

        // RFC 7541 §5.2: padding strictly longer than 7 bits, or not all ones, is a decoding error.
        return length <= 7 && code == (1u << length) - 1;
    }

    /// <summary>Canonical decoding tables derived from the code lengths.</summary>
    private sealed class DecodeTables
    {
        private DecodeTables(ushort[] sortedSymbols, uint[] firstCode, int[] firstIndex, int[] count)
        {
            SortedSymbols = sortedSymbols;
            FirstCode = firstCode;
            FirstIndex = firstIndex;
            Count = count;
        }

        /// <summary>Symbols ordered by (code length, symbol), which for a canonical code is code order.</summary>
        public ushort[] SortedSymbols { get; }

        /// <summary>The smallest code of each length (index = length).</summary>
        public uint[] FirstCode { get; }

        /// <summary>Where the symbols of each length start in <see cref="SortedSymbols"/>.</summary>
        public int[] FirstIndex { get; }

        /// <summary>How many symbols have each length.</summary>
        public int[] Count { get; }

        public static DecodeTables Build()
        {
            ReadOnlySpan<HuffmanCode> codes = HpackHuffmanTable.Codes;
            int[] count = new int[MaxCodeLength + 1];
            foreach (HuffmanCode code in codes)
            {
                count[code.Length]++;
            }

            int[] firstIndex = new int[MaxCodeLength + 1];
            uint[] firstCode = new uint[MaxCodeLength + 1];
            int index = 0;
            uint next = 0;
            for (int length = 1; length <= MaxCodeLength; length++)
            {
                firstIndex[length] = index;
                firstCode[length] = next;
                index += count[length];
                next = (next + (uint)count[length]) << 1;
            }

            ushort[] sorted = new ushort[codes.Length];
            int[] fill = (int[])firstIndex.Clone();
            for (int symbol = 0; symbol < codes.Length; symbol++)
            {
                sorted[fill[codes[symbol].Length]++] = (ushort)symbol;
            }

            return new DecodeTables(sorted, firstCode, firstIndex, count);
        }
    }
}
