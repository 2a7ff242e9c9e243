using Mycnet.Networking.Interop.Http3;

namespace Mycnet.Networking.Interop.Qpack;

/// <summary>
/// Decodes encoded field sections (RFC 9204 §4.5) for a decoder that announced
/// SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0: no dynamic table exists, so every section must carry a
/// Required Insert Count of 0 and may reference only the static table.
/// </summary>
/// <remarks>
/// Accepted representations: indexed field line (static), literal field line with a static name
/// reference, literal field line with a literal name; strings may be Huffman-coded. Anything that
/// names the dynamic table (T = 0, post-Base forms, a non-zero Required Insert Count, a negative Base)
/// is QPACK_DECOMPRESSION_FAILED, as is truncation or a static index past the table (§2.2.3, §3.1,
/// §4.5.1). The decoded size (name + value + 32 per line, RFC 9114 §4.2.2) is bounded by the caller's
/// limit and checked before each string is materialized, so a hostile section cannot allocate more
/// than the limit.
/// </remarks>
internal static class QpackDecoder
{
    /// <summary>
    /// Decodes <paramref name="section"/> into <paramref name="fields"/> (appended). On failure
    /// <paramref name="error"/> says why and <paramref name="fields"/> holds what was decoded before it.
    /// </summary>
    public static QpackDecodeStatus Decode(ReadOnlySpan<byte> section, long maxFieldSectionSize, List<HttpField> fields, out string? error)
    {
        ArgumentNullException.ThrowIfNull(fields);
        int p = 0;

        // §4.5.1.1: with MaxEntries = 0 the only valid Encoded Required Insert Count is 0.
        if (!QpackPrimitives.TryReadInteger(section, ref p, 8, out ulong encodedInsertCount))
        {
            return Fail("truncated field section prefix", out error);
        }

        if (encodedInsertCount != 0)
        {
            return Fail($"Required Insert Count {encodedInsertCount} refers to a dynamic table, whose capacity is 0", out error);
        }

        // §4.5.1.2: S = 1 means Base = RIC - DeltaBase - 1, negative when RIC = 0.
        if (p >= section.Length)
        {
            return Fail("truncated field section prefix", out error);
        }

        bool negativeBase = (section[p] & 0x80) != 0;
        if (!QpackPrimitives.TryReadInteger(section, ref p, 7, out _))
        {
            return Fail("truncated field section prefix", out error);
        }

        if (negativeBase)
        {
            return Fail("Base is negative (sign bit set with a Required Insert Count of 0)", out error);
        }

        long size = 0;
        while (p < section.Length)
        {
            byte first = section[p];
            string name;
            string value;
            if ((first & 0x80) != 0)
            {
                // §4.5.2 Indexed Field Line: 1 T Index(6+).
                if ((first & 0x40) == 0)
                {
                    return Fail("indexed field line refers to the dynamic table", out error);
                }

                if (!QpackPrimitives.TryReadInteger(section, ref p, 6, out ulong index))
                {
                    return Fail("truncated indexed field line", out error);
                }

                if (!QpackStaticTable.TryGet(index, out StaticEntry entry))
                {
                    return Fail($"static table index {index} does not exist", out error);
                }

                name = entry.Name;
                value = entry.Value;
            }
            else if ((first & 0x40) != 0)
            {
                // §4.5.4 Literal Field Line with Name Reference: 0 1 N T NameIndex(4+), value (8-bit prefix string).
                if ((first & 0x10) == 0)
                {
                    return Fail("literal field line names a dynamic table entry", out error);
                }

                if (!QpackPrimitives.TryReadInteger(section, ref p, 4, out ulong index))
                {
                    return Fail("truncated literal field line name reference", out error);
                }

                if (!QpackStaticTable.TryGet(index, out StaticEntry entry))
                {
                    return Fail($"static table index {index} does not exist", out error);
                }

                name = entry.Name;
                QpackStringStatus status = QpackPrimitives.TryReadString(section, ref p, 7, Budget(maxFieldSectionSize, size, name.Length), out value);
                if (status != QpackStringStatus.Ok)
                {
                    return Fail(status, "field value", out error);
                }
            }
            else if ((first & 0x20) != 0)
            {
                // §4.5.6 Literal Field Line with Literal Name: 0 0 1 N H NameLen(3+), name, value (8-bit prefix string).
                QpackStringStatus status = QpackPrimitives.TryReadString(section, ref p, 3, Budget(maxFieldSectionSize, size, 0), out name);
                if (status != QpackStringStatus.Ok)
                {
                    return Fail(status, "field name", out error);
                }

                status = QpackPrimitives.TryReadString(section, ref p, 7, Budget(maxFieldSectionSize, size, name.Length), out value);
                if (status != QpackStringStatus.Ok)
                {
                    return Fail(status, "field value", out error);
                }
            }
            else
            {
                // §4.5.3 (0001) and §4.5.5 (0000): post-Base forms, which only exist with a dynamic table.
                return Fail("post-Base representation refers to the dynamic table", out error);
            }

            var field = new HttpField(name, value);
            size += field.Size;
            if (size > maxFieldSectionSize)
            {
                error = $"the decoded field section exceeds {maxFieldSectionSize} bytes";
                return QpackDecodeStatus.TooLarge;
            }

            fields.Add(field);
        }

        error = null;
        return QpackDecodeStatus.Ok;
    }

    /// <summary>How long the next string may be before the section exceeds its limit (at least 0).</summary>
    private static int Budget(long maxFieldSectionSize, long used, int alreadyTaken)
    {
        long left = maxFieldSectionSize - used - 32 - alreadyTaken;
        return (int)Math.Clamp(left, 0, int.MaxValue);
    }

    private static QpackDecodeStatus Fail(string message, out string? error)
    {
        error = message;
        return QpackDecodeStatus.DecompressionFailed;
    }

    private static QpackDecodeStatus Fail(QpackStringStatus status, string what, out string? error)
    {
        if (status == QpackStringStatus.TooLong)
        {
            error = $"a {what} makes the decoded field section exceed its size limit";
            return QpackDecodeStatus.TooLarge;
        }

        error = $"malformed {what} (truncated, or invalid Huffman coding)";
        return QpackDecodeStatus.DecompressionFailed;
    }
}

/// <summary>The outcome of <see cref="QpackDecoder.Decode"/>.</summary>
internal enum QpackDecodeStatus
{
    /// <summary>The section decoded.</summary>
    Ok,

    /// <summary>The section is not valid QPACK for a decoder without a dynamic table: QPACK_DECOMPRESSION_FAILED (RFC 9204 §6).</summary>
    DecompressionFailed,

    /// <summary>The section is valid so far but its decoded size exceeds the limit.</summary>
    TooLarge,
}
