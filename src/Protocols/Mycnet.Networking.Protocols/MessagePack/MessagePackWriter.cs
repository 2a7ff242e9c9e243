// Design: a MessagePack writer over IBufferWriter<byte>. Every Write* asks the output for the exact number of
// bytes the smallest encoding of that value needs (GetSpan(n)), writes it with BinaryPrimitives (big-endian,
// as the specification requires) and advances: there is no internal buffer and so nothing to flush, and
// writing a primitive never allocates. "Smallest" follows the specification's format table: non-negative
// integers use positive fixint / uint8 / uint16 / uint32 / uint64, negative ones negative fixint / int8 /
// int16 / int32 / int64; strings, binaries, arrays, maps and extensions take the shortest header that holds
// their length (and fixext when the payload is exactly 1, 2, 4, 8 or 16 bytes); timestamps take the 32-,
// 64- or 96-bit form. Floats keep their .NET width: float is written as float32, double as float64.
using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>
/// Writes MessagePack values to an <see cref="IBufferWriter{T}"/>, always in the smallest encoding. Writing
/// primitives (nil, bool, integers, floats, headers, timestamps, strings from spans) allocates nothing.
/// </summary>
/// <remarks>
/// A writer has no buffer of its own: each call commits its bytes to the output, so there is nothing to flush.
/// The caller writes a collection as its header followed by exactly that many values (twice as many for a map:
/// key, value, key, value, …); the writer does not check that structure.
/// </remarks>
public ref struct MessagePackWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly IBufferWriter<byte> _output;
    private long _written;

    /// <summary>Creates a writer over <paramref name="output"/>.</summary>
    public MessagePackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _written = 0;
    }

    /// <summary>The number of bytes this writer has written.</summary>
    public readonly long BytesWritten => _written;

    /// <summary>Writes nil.</summary>
    public void WriteNil() => WriteCode(MessagePackCode.Nil);

    /// <summary>Writes a boolean.</summary>
    public void Write(bool value) => WriteCode(value ? MessagePackCode.True : MessagePackCode.False);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(byte value) => Write((ulong)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(sbyte value) => Write((long)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(short value) => Write((long)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(ushort value) => Write((ulong)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(int value) => Write((long)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(uint value) => Write((ulong)value);

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(long value)
    {
        if (value >= 0)
        {
            Write((ulong)value);
            return;
        }

        if (value >= -32)
        {
            WriteCode(unchecked((byte)value)); // negative fixint: 111xxxxx
        }
        else if (value >= sbyte.MinValue)
        {
            Span<byte> span = Reserve(2);
            span[0] = MessagePackCode.Int8;
            span[1] = unchecked((byte)value);
            Commit(2);
        }
        else if (value >= short.MinValue)
        {
            Span<byte> span = Reserve(3);
            span[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            Commit(3);
        }
        else if (value >= int.MinValue)
        {
            Span<byte> span = Reserve(5);
            span[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            Commit(5);
        }
        else
        {
            Span<byte> span = Reserve(9);
            span[0] = MessagePackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            Commit(9);
        }
    }

    /// <summary>Writes an integer in its smallest encoding.</summary>
    public void Write(ulong value)
    {
        if (value <= MessagePackCode.MaxPositiveFixInt)
        {
            WriteCode((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            Span<byte> span = Reserve(2);
            span[0] = MessagePackCode.UInt8;
            span[1] = (byte)value;
            Commit(2);
        }
        else if (value <= ushort.MaxValue)
        {
            Span<byte> span = Reserve(3);
            span[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            Commit(3);
        }
        else if (value <= uint.MaxValue)
        {
            Span<byte> span = Reserve(5);
            span[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            Commit(5);
        }
        else
        {
            Span<byte> span = Reserve(9);
            span[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            Commit(9);
        }
    }

    /// <summary>Writes a float32.</summary>
    public void Write(float value)
    {
        Span<byte> span = Reserve(5);
        span[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(span[1..], value);
        Commit(5);
    }

    /// <summary>Writes a float64.</summary>
    public void Write(double value)
    {
        Span<byte> span = Reserve(9);
        span[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        Commit(9);
    }

    /// <summary>Writes a string as UTF-8, or nil when <paramref name="value"/> is null.</summary>
    /// <exception cref="ArgumentException">The string contains an unpaired surrogate, which has no UTF-8 form.</exception>
    public void Write(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }

        Write(value.AsSpan());
    }

    /// <summary>Writes UTF-16 text as a UTF-8 string without allocating.</summary>
    /// <exception cref="ArgumentException">The text contains an unpaired surrogate, which has no UTF-8 form.</exception>
    public void Write(scoped ReadOnlySpan<char> value)
    {
        int byteCount = StrictUtf8.GetByteCount(value);
        WriteStringHeader(byteCount);
        if (byteCount == 0)
        {
            return;
        }

        Span<byte> span = Reserve(byteCount);
        int written = StrictUtf8.GetBytes(value, span);
        Commit(written);
    }

    /// <summary>Writes already-encoded UTF-8 bytes as a string (the bytes are not validated).</summary>
    public void WriteString(scoped ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    /// <summary>Writes the header of a string of <paramref name="byteLength"/> UTF-8 bytes; the bytes follow with <see cref="WriteRaw"/>.</summary>
    public void WriteStringHeader(int byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        if (byteLength <= 31)
        {
            WriteCode((byte)(MessagePackCode.MinFixStr | byteLength));
        }
        else if (byteLength <= byte.MaxValue)
        {
            Span<byte> span = Reserve(2);
            span[0] = MessagePackCode.Str8;
            span[1] = (byte)byteLength;
            Commit(2);
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Str16, MessagePackCode.Str32, byteLength);
        }
    }

    /// <summary>Writes a byte array as bin8/16/32.</summary>
    public void WriteBinary(scoped ReadOnlySpan<byte> value)
    {
        WriteBinaryHeader(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes a (possibly multi-segment) byte sequence as bin8/16/32.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The sequence is longer than <see cref="int.MaxValue"/>.</exception>
    public void WriteBinary(in ReadOnlySequence<byte> value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value.Length, int.MaxValue, nameof(value));
        WriteBinaryHeader((int)value.Length);
        foreach (ReadOnlyMemory<byte> segment in value)
        {
            WriteRaw(segment.Span);
        }
    }

    /// <summary>Writes the header of a binary of <paramref name="length"/> bytes; the bytes follow with <see cref="WriteRaw"/>.</summary>
    public void WriteBinaryHeader(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length <= byte.MaxValue)
        {
            Span<byte> span = Reserve(2);
            span[0] = MessagePackCode.Bin8;
            span[1] = (byte)length;
            Commit(2);
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Bin16, MessagePackCode.Bin32, length);
        }
    }

    /// <summary>Writes an array header; exactly <paramref name="count"/> values must follow.</summary>
    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
        {
            WriteCode((byte)(MessagePackCode.MinFixArray | count));
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Array16, MessagePackCode.Array32, count);
        }
    }

    /// <summary>Writes a map header; exactly <paramref name="count"/> key/value pairs must follow.</summary>
    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count <= 15)
        {
            WriteCode((byte)(MessagePackCode.MinFixMap | count));
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Map16, MessagePackCode.Map32, count);
        }
    }

    /// <summary>Writes an extension header; exactly <paramref name="length"/> payload bytes must follow (<see cref="WriteRaw"/>).</summary>
    public void WriteExtensionHeader(sbyte typeCode, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            Span<byte> fix = Reserve(2);
            fix[0] = fixCode;
            fix[1] = unchecked((byte)typeCode);
            Commit(2);
            return;
        }

        if (length <= byte.MaxValue)
        {
            Span<byte> span = Reserve(3);
            span[0] = MessagePackCode.Ext8;
            span[1] = (byte)length;
            span[2] = unchecked((byte)typeCode);
            Commit(3);
        }
        else if (length <= ushort.MaxValue)
        {
            Span<byte> span = Reserve(4);
            span[0] = MessagePackCode.Ext16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            span[3] = unchecked((byte)typeCode);
            Commit(4);
        }
        else
        {
            Span<byte> span = Reserve(6);
            span[0] = MessagePackCode.Ext32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            span[5] = unchecked((byte)typeCode);
            Commit(6);
        }
    }

    /// <summary>Writes an extension value: header and payload.</summary>
    public void WriteExtension(sbyte typeCode, scoped ReadOnlySpan<byte> payload)
    {
        WriteExtensionHeader(typeCode, payload.Length);
        WriteRaw(payload);
    }

    /// <summary>Writes a timestamp extension (type −1) in its smallest form (spec "Timestamp extension type").</summary>
    public void Write(MessagePackTimestamp value)
    {
        ulong seconds = unchecked((ulong)value.Seconds);
        if ((seconds >> 34) == 0)
        {
            if (value.Nanoseconds == 0 && seconds <= uint.MaxValue)
            {
                // timestamp 32: fixext4, uint32 seconds.
                Span<byte> t32 = Reserve(6);
                t32[0] = MessagePackCode.FixExt4;
                t32[1] = 0xff;
                BinaryPrimitives.WriteUInt32BigEndian(t32[2..], (uint)seconds);
                Commit(6);
                return;
            }

            // timestamp 64: fixext8, 30-bit nanoseconds then 34-bit seconds.
            Span<byte> t64 = Reserve(10);
            t64[0] = MessagePackCode.FixExt8;
            t64[1] = 0xff;
            BinaryPrimitives.WriteUInt64BigEndian(t64[2..], ((ulong)value.Nanoseconds << 34) | seconds);
            Commit(10);
            return;
        }

        // timestamp 96: ext8 of length 12, uint32 nanoseconds then int64 seconds.
        Span<byte> t96 = Reserve(15);
        t96[0] = MessagePackCode.Ext8;
        t96[1] = 12;
        t96[2] = 0xff;
        BinaryPrimitives.WriteUInt32BigEndian(t96[3..], value.Nanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(t96[7..], value.Seconds);
        Commit(15);
    }

    /// <summary>Writes a <see cref="DateTimeOffset"/> as a timestamp extension.</summary>
    public void Write(DateTimeOffset value) => Write(MessagePackTimestamp.FromDateTimeOffset(value));

    /// <summary>Writes bytes as they are: the body of a string, binary or extension whose header was written, or a pre-encoded value.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        Span<byte> span = Reserve(bytes.Length);
        bytes.CopyTo(span);
        Commit(bytes.Length);
    }

    private void WriteLengthHeader(byte code16, byte code32, int length)
    {
        if (length <= ushort.MaxValue)
        {
            Span<byte> span = Reserve(3);
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            Commit(3);
        }
        else
        {
            Span<byte> span = Reserve(5);
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            Commit(5);
        }
    }

    private void WriteCode(byte code)
    {
        Span<byte> span = Reserve(1);
        span[0] = code;
        Commit(1);
    }

    private readonly Span<byte> Reserve(int count)
    {
        if (_output is null)
        {
            throw new InvalidOperationException("The writer was default-constructed; create it over an IBufferWriter<byte>.");
        }

        return _output.GetSpan(count);
    }

    private void Commit(int count)
    {
        _output.Advance(count);
        _written += count;
    }
}
