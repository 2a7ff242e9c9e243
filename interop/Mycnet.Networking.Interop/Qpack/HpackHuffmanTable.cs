namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// The HPACK Huffman code (RFC 7541 Appendix B), used unmodified by QPACK string literals
/// (RFC 9204 §4.1.2): 256 byte symbols and EOS (256), each with its code (aligned to the least
/// significant bit) and its length in bits (5 to 30).
/// </summary>
/// <remarks>
/// The code is canonical: codes are assigned in order of (length, symbol), so a decoder needs only
/// the lengths; <see cref="HpackHuffman"/> derives its decoding tables from them and the unit tests
/// check that the codes below are exactly the canonical assignment of the lengths below.
/// </remarks>
internal static class HpackHuffmanTable
{
    /// <summary>The EOS symbol (RFC 7541 §5.2): never valid inside a string.</summary>
    public const int Eos = 256;

    /// <summary>Code and bit length of each symbol, indexed by symbol.</summary>
    public static ReadOnlySpan<HuffmanCode> Codes => CodeTable;

    private static readonly HuffmanCode[] CodeTable =
    [
        new(0x1ff8, 13), new(0x7fffd8, 23), new(0xfffffe2, 28), new(0xfffffe3, 28), // 0, 1, 2, 3
        new(0xfffffe4, 28), new(0xfffffe5, 28), new(0xfffffe6, 28), new(0xfffffe7, 28), // 4, 5, 6, 7
        new(0xfffffe8, 28), new(0xffffea, 24), new(0x3ffffffc, 30), new(0xfffffe9, 28), // 8, 9, 10, 11
        new(0xfffffea, 28), new(0x3ffffffd, 30), new(0xfffffeb, 28), new(0xfffffec, 28), // 12, 13, 14, 15
        new(0xfffffed, 28), new(0xfffffee, 28), new(0xfffffef, 28), new(0xffffff0, 28), // 16, 17, 18, 19
        new(0xffffff1, 28), new(0xffffff2, 28), new(0x3ffffffe, 30), new(0xffffff3, 28), // 20, 21, 22, 23
        new(0xffffff4, 28), new(0xffffff5, 28), new(0xffffff6, 28), new(0xffffff7, 28), // 24, 25, 26, 27
        new(0xffffff8, 28), new(0xffffff9, 28), new(0xffffffa, 28), new(0xffffffb, 28), // 28, 29, 30, 31
        new(0x14, 6), new(0x3f8, 10), new(0x3f9, 10), new(0xffa, 12), // ' ', '!', '"', '#'
        new(0x1ff9, 13), new(0x15, 6), new(0xf8, 8), new(0x7fa, 11), // '$', '%', '&', '\''
        new(0x3fa, 10), new(0x3fb, 10), new(0xf9, 8), new(0x7fb, 11), // '(', ')', '*', '+'
        new(0xfa, 8), new(0x16, 6), new(0x17, 6), new(0x18, 6), // ',', '-', '.', '/'
        new(0x0, 5), new(0x1, 5), new(0x2, 5), new(0x19, 6), // '0', '1', '2', '3'
        new(0x1a, 6), new(0x1b, 6), new(0x1c, 6), new(0x1d, 6), // '4', '5', '6', '7'
        new(0x1e, 6), new(0x1f, 6), new(0x5c, 7), new(0xfb, 8), // '8', '9', ':', ';'
        new(0x7ffc, 15), new(0x20, 6), new(0xffb, 12), new(0x3fc, 10), // '<', '=', '>', '?'
        new(0x1ffa, 13), new(0x21, 6), new(0x5d, 7), new(0x5e, 7), // '@', 'A', 'B', 'C'
        new(0x5f, 7), new(0x60, 7), new(0x61, 7), new(0x62, 7), // 'D', 'E', 'F', 'G'
        new(0x63, 7), new(0x64, 7), new(0x65, 7), new(0x66, 7), // 'H', 'I', 'J', 'K'
        new(0x67, 7), new(0x68, 7), new(0x69, 7), new(0x6a, 7), // 'L', 'M', 'N', 'O'
        new(0x6b, 7), new(0x6c, 7), new(0x6d, 7), new(0x6e, 7), // 'P', 'Q', 'R', 'S'
        new(0x6f, 7), new(0x70, 7), new(0x71, 7), new(0x72, 7), // 'T', 'U', 'V', 'W'
        new(0xfc, 8), new(0x73, 7), new(0xfd, 8), new(0x1ffb, 13), // 'X', 'Y', 'Z', '['
        new(0x7fff0, 19), new(0x1ffc, 13), new(0x3ffc, 14), new(0x22, 6), // '\\', ']', '^', '_'
        new(0x7ffd, 15), new(0x3, 5), new(0x23, 6), new(0x4, 5), // '`', 'a', 'b', 'c'
        new(0x24, 6), new(0x5, 5), new(0x25, 6), new(0x26, 6), // 'd', 'e', 'f', 'g'
        new(0x27, 6), new(0x6, 5), new(0x74, 7), new(0x75, 7), // 'h', 'i', 'j', 'k'
        new(0x28, 6), new(0x29, 6), new(0x2a, 6), new(0x7, 5), // 'l', 'm', 'n', 'o'
        new(0x2b, 6), new(0x76, 7), new(0x2c, 6), new(0x8, 5), // 'p', 'q', 'r', 's'
        new(0x9, 5), new(0x2d, 6), new(0x77, 7), new(0x78, 7), // 't', 'u', 'v', 'w'
        new(0x79, 7), new(0x7a, 7), new(0x7b, 7), new(0x7ffe, 15), // 'x', 'y', 'z', '{'
        new(0x7fc, 11), new(0x3ffd, 14), new(0x1ffd, 13), new(0xffffffc, 28), // '|', '}', '~', 127
        new(0xfffe6, 20), new(0x3fffd2, 22), new(0xfffe7, 20), new(0xfffe8, 20), // 128, 129, 130, 131
        new(0x3fffd3, 22), new(0x3fffd4, 22), new(0x3fffd5, 22), new(0x7fffd9, 23), // 132, 133, 134, 135
        new(0x3fffd6, 22), new(0x7fffda, 23), new(0x7fffdb, 23), new(0x7fffdc, 23), // 136, 137, 138, 139
        new(0x7fffdd, 23), new(0x7fffde, 23), new(0xffffeb, 24), new(0x7fffdf, 23), // 140, 141, 142, 143
        new(0xffffec, 24), new(0xffffed, 24), new(0x3fffd7, 22), new(0x7fffe0, 23), // 144, 145, 146, 147
        new(0xffffee, 24), new(0x7fffe1, 23), new(0x7fffe2, 23), new(0x7fffe3, 23), // 148, 149, 150, 151
        new(0x7fffe4, 23), new(0x1fffdc, 21), new(0x3fffd8, 22), new(0x7fffe5, 23), // 152, 153, 154, 155
        new(0x3fffd9, 22), new(0x7fffe6, 23), new(0x7fffe7, 23), new(0xffffef, 24), // 156, 157, 158, 159
        new(0x3fffda, 22), new(0x1fffdd, 21), new(0xfffe9, 20), new(0x3fffdb, 22), // 160, 161, 162, 163
        new(0x3fffdc, 22), new(0x7fffe8, 23), new(0x7fffe9, 23), new(0x1fffde, 21), // 164, 165, 166, 167
        new(0x7fffea, 23), new(0x3fffdd, 22), new(0x3fffde, 22), new(0xfffff0, 24), // 168, 169, 170, 171
        new(0x1fffdf, 21), new(0x3fffdf, 22), new(0x7fffeb, 23), new(0x7fffec, 23), // 172, 173, 174, 175
        new(0x1fffe0, 21), new(0x1fffe1, 21), new(0x3fffe0, 22), new(0x1fffe2, 21), // 176, 177, 178, 179
        new(0x7fffed, 23), new(0x3fffe1, 22), new(0x7fffee, 23), new(0x7fffef, 23), // 180, 181, 182, 183
        new(0xfffea, 20), new(0x3fffe2, 22), new(0x3fffe3, 22), new(0x3fffe4, 22), // 184, 185, 186, 187
        new(0x7ffff0, 23), new(0x3fffe5, 22), new(0x3fffe6, 22), new(0x7ffff1, 23), // 188, 189, 190, 191
        new(0x3ffffe0, 26), new(0x3ffffe1, 26), new(0xfffeb, 20), new(0x7fff1, 19), // 192, 193, 194, 195
        new(0x3fffe7, 22), new(0x7ffff2, 23), new(0x3fffe8, 22), new(0x1ffffec, 25), // 196, 197, 198, 199
        new(0x3ffffe2, 26), new(0x3ffffe3, 26), new(0x3ffffe4, 26), new(0x7ffffde, 27), // 200, 201, 202, 203
        new(0x7ffffdf, 27), new(0x3ffffe5, 26), new(0xfffff1, 24), new(0x1ffffed, 25), // 204, 205, 206, 207
        new(0x7fff2, 19), new(0x1fffe3, 21), new(0x3ffffe6, 26), new(0x7ffffe0, 27), // 208, 209, 210, 211
        new(0x7ffffe1, 27), new(0x3ffffe7, 26), new(0x7ffffe2, 27), new(0xfffff2, 24), // 212, 213, 214, 215
        new(0x1fffe4, 21), new(0x1fffe5, 21), new(0x3ffffe8, 26), new(0x3ffffe9, 26), // 216, 217, 218, 219
        new(0xffffffd, 28), new(0x7ffffe3, 27), new(0x7ffffe4, 27), new(0x7ffffe5, 27), // 220, 221, 222, 223
        new(0xfffec, 20), new(0xfffff3, 24), new(0xfffed, 20), new(0x1fffe6, 21), // 224, 225, 226, 227
        new(0x3fffe9, 22), new(0x1fffe7, 21), new(0x1fffe8, 21), new(0x7ffff3, 23), // 228, 229, 230, 231
        new(0x3fffea, 22), new(0x3fffeb, 22), new(0x1ffffee, 25), new(0x1ffffef, 25), // 232, 233, 234, 235
        new(0xfffff4, 24), new(0xfffff5, 24), new(0x3ffffea, 26), new(0x7ffff4, 23), // 236, 237, 238, 239
        new(0x3ffffeb, 26), new(0x7ffffe6, 27), new(0x3ffffec, 26), new(0x3ffffed, 26), // 240, 241, 242, 243
        new(0x7ffffe7, 27), new(0x7ffffe8, 27), new(0x7ffffe9, 27), new(0x7ffffea, 27), // 244, 245, 246, 247
        new(0x7ffffeb, 27), new(0xffffffe, 28), new(0x7ffffec, 27), new(0x7ffffed, 27), // 248, 249, 250, 251
        new(0x7ffffee, 27), new(0x7ffffef, 27), new(0x7fffff0, 27), new(0x3ffffee, 26), // 252, 253, 254, 255
        new(0x3fffffff, 30), // EOS
    ];
}

/// <summary>A Huffman code: <see cref="Code"/> in the low <see cref="Length"/> bits.</summary>
internal readonly record struct HuffmanCode(uint Code, int Length);
