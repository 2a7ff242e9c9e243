using System.Text;
using Mycnet.Networking.Interop.Http3;

namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// Encodes field sections (RFC 9204 §4.5) without a dynamic table and without Huffman coding: the
/// prefix is Required Insert Count 0, Base 0; a field equal to a static entry becomes an indexed field
/// line, a field whose name is in the static table a literal with a static name reference, anything
/// else a literal with a literal name. The N (never-index) bit is never set. Such a section never
/// blocks the peer's decoder and never needs acknowledgment.
/// </summary>
internal static class QpackEncoder
{
    /// <summary>Encodes <paramref name="fields"/>; names and values are written as Latin-1 bytes.</summary>
    public static byte[] Encode(IReadOnlyList<HttpField> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        int length = 2;
        for (int i = 0; i < fields.Count; i++)
        {
            length += GetLength(fields[i]);
        }

        byte[] output = new byte[length];
        Span<byte> span = output;

        // §4.5.1: Required Insert Count = 0 (8-bit prefix), Sign = 0 and Delta Base = 0 (7-bit prefix).
        span[0] = 0;
        span[1] = 0;
        int p = 2;
        for (int i = 0; i < fields.Count; i++)
        {
            p += Write(fields[i], span[p..]);
        }

        return output;
    }

    private static int GetLength(HttpField field)
    {
        if (QpackStaticTable.FindField(field.Name, field.Value) is int exact and >= 0)
        {
            return QpackPrimitives.GetIntegerLength((ulong)exact, 6);
        }

        int valueLength = Encoding.Latin1.GetByteCount(field.Value);
        int valuePart = QpackPrimitives.GetIntegerLength((ulong)valueLength, 7) + valueLength;
        if (QpackStaticTable.FindName(field.Name) is int nameIndex and >= 0)
        {
            return QpackPrimitives.GetIntegerLength((ulong)nameIndex, 4) + valuePart;
        }

        int nameLength = Encoding.Latin1.GetByteCount(field.Name);
        return QpackPrimitives.GetIntegerLength((ulong)nameLength, 3) + nameLength + valuePart;
    }

    private static int Write(HttpField field, Span<byte> destination)
    {
        if (QpackStaticTable.FindField(field.Name, field.Value) is int exact and >= 0)
        {
            // §4.5.2 Indexed Field Line, T = 1 (static): 11xxxxxx.
            return QpackPrimitives.WriteInteger(destination, (ulong)exact, 6, 0xC0);
        }

        int p;
        if (QpackStaticTable.FindName(field.Name) is int nameIndex and >= 0)
        {
            // §4.5.4 Literal Field Line with Name Reference, N = 0, T = 1: 0101xxxx.
            p = QpackPrimitives.WriteInteger(destination, (ulong)nameIndex, 4, 0x50);
        }
        else
        {
            // §4.5.6 Literal Field Line with Literal Name, N = 0, H = 0: 00100xxx.
            int nameLength = Encoding.Latin1.GetByteCount(field.Name);
            p = QpackPrimitives.WriteInteger(destination, (ulong)nameLength, 3, 0x20);
            p += Encoding.Latin1.GetBytes(field.Name, destination[p..]);
        }

        // Value: 8-bit prefix string literal, H = 0.
        int valueLength = Encoding.Latin1.GetByteCount(field.Value);
        p += QpackPrimitives.WriteInteger(destination[p..], (ulong)valueLength, 7, 0x00);
        p += Encoding.Latin1.GetBytes(field.Value, destination[p..]);
        return p;
    }
}
