using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Mycnet.Networking.Protocols.MessagePack;

// Integers, floats, strings, binaries, extensions and timestamps.
public ref partial struct MessagePackReader
{
    /// <summary>Reads an integer of any MessagePack integer format as <see cref="long"/>.</summary>
    /// <exception cref="MessagePackException">Not an integer, or a uint64 above <see cref="long.MaxValue"/> (<see cref="MessagePackError.Overflow"/>).</exception>
    public long ReadInt64()
    {
        long start = _reader.Consumed;
        ReadIntegerCore(out ulong magnitude, out bool negative);
        if (!negative && magnitude > long.MaxValue)
        {
            throw OverflowAt(start, magnitude.ToString(CultureInfo.InvariantCulture), "Int64");
        }

        return unchecked((long)magnitude);
    }

    /// <summary>Reads a non-negative integer of any MessagePack integer format as <see cref="ulong"/>.</summary>
    /// <exception cref="MessagePackException">Not an integer, or negative (<see cref="MessagePackError.Overflow"/>).</exception>
    public ulong ReadUInt64()
    {
        long start = _reader.Consumed;
        ReadIntegerCore(out ulong value, out bool negative);
        if (negative)
        {
            throw OverflowAt(start, unchecked((long)value).ToString(CultureInfo.InvariantCulture), "UInt64");
        }

        return value;
    }

    /// <summary>Reads an integer that must fit <see cref="int"/>.</summary>
    public int ReadInt32() => (int)ReadSignedInRange(int.MinValue, int.MaxValue, "Int32");

    /// <summary>Reads an integer that must fit <see cref="short"/>.</summary>
    public short ReadInt16() => (short)ReadSignedInRange(short.MinValue, short.MaxValue, "Int16");

    /// <summary>Reads an integer that must fit <see cref="sbyte"/>.</summary>
    public sbyte ReadSByte() => (sbyte)ReadSignedInRange(sbyte.MinValue, sbyte.MaxValue, "SByte");

    /// <summary>Reads an integer that must fit <see cref="uint"/>.</summary>
    public uint ReadUInt32() => (uint)ReadUnsignedInRange(uint.MaxValue, "UInt32");

    /// <summary>Reads an integer that must fit <see cref="ushort"/>.</summary>
    public ushort ReadUInt16() => (ushort)ReadUnsignedInRange(ushort.MaxValue, "UInt16");

    /// <summary>Reads an integer that must fit <see cref="byte"/>.</summary>
    public byte ReadByte() => (byte)ReadUnsignedInRange(byte.MaxValue, "Byte");

    /// <summary>Reads a float64, a float32 or an integer as <see cref="double"/> (integers above 2^53 round).</summary>
    public double ReadDouble()
    {
        byte code = PeekCode();
        switch (code)
        {
            case MessagePackCode.Float64:
            {
                Span<byte> scratch = stackalloc byte[9];
                double value = BinaryPrimitives.ReadDoubleBigEndian(PeekBytes(9, scratch, code)[1..]);
                _reader.Advance(9);
                CompleteValue();
                return value;
            }

            case MessagePackCode.Float32:
            {
                Span<byte> scratch = stackalloc byte[5];
                float value = BinaryPrimitives.ReadSingleBigEndian(PeekBytes(5, scratch, code)[1..]);
                _reader.Advance(5);
                CompleteValue();
                return value;
            }

            default:
                if (MessagePackCode.TypeOf(code) != MessagePackType.Integer)
                {
                    throw Mismatch("float", code);
                }

                ReadIntegerCore(out ulong magnitude, out bool negative);
                return negative ? (double)unchecked((long)magnitude) : (double)magnitude;
        }
    }

    /// <summary>Reads a float32, a float64 (rounded) or an integer as <see cref="float"/>.</summary>
    public float ReadSingle() => (float)ReadDouble();

    /// <summary>Reads a string and decodes its UTF-8 (strictly: invalid UTF-8 is <see cref="MessagePackError.Malformed"/>).</summary>
    public string ReadString()
    {
        long start = _reader.Consumed;
        ReadOnlySequence<byte> bytes = ReadStringSequence();
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            if (bytes.IsSingleSegment)
            {
                return StrictUtf8.GetString(bytes.FirstSpan);
            }

            // Split across segments: gather the bytes first (a character may straddle a boundary).
            int length = (int)bytes.Length;
            if (length <= 256)
            {
                Span<byte> gathered = stackalloc byte[length];
                bytes.CopyTo(gathered);
                return StrictUtf8.GetString(gathered);
            }

            byte[] rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                bytes.CopyTo(rented);
                return StrictUtf8.GetString(rented, 0, length);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        catch (DecoderFallbackException ex)
        {
            throw new MessagePackException(MessagePackError.Malformed, start, $"The string is not valid UTF-8 (at byte offset {start}).", ex);
        }
    }

    /// <summary>Reads a string, or returns null for nil.</summary>
    public string? ReadNullableString() => TryReadNil() ? null : ReadString();

    /// <summary>Reads a string's raw UTF-8 bytes without decoding or validating them (a slice of the input).</summary>
    public ReadOnlySequence<byte> ReadStringSequence()
    {
        byte code = PeekCode();
        long length;
        int headerLength;
        if (code is >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr)
        {
            length = code & 0x1f;
            headerLength = 1;
        }
        else if (code is MessagePackCode.Str8 or MessagePackCode.Str16 or MessagePackCode.Str32)
        {
            (length, headerLength) = ReadBodyLength(code, code - MessagePackCode.Str8);
        }
        else
        {
            throw Mismatch("string", code);
        }

        return TakeBody(length, headerLength, _options.MaxStringLength, "string");
    }

    /// <summary>Reads a binary value (a slice of the input, not a copy).</summary>
    public ReadOnlySequence<byte> ReadBinary()
    {
        byte code = PeekCode();
        if (code is not (MessagePackCode.Bin8 or MessagePackCode.Bin16 or MessagePackCode.Bin32))
        {
            throw Mismatch("binary", code);
        }

        (long length, int headerLength) = ReadBodyLength(code, code - MessagePackCode.Bin8);
        return TakeBody(length, headerLength, _options.MaxBinaryLength, "binary");
    }

    /// <summary>Reads an extension value: its type code and its payload (a slice of the input).</summary>
    public ReadOnlySequence<byte> ReadExtension(out sbyte typeCode) => ReadExtensionCore(out typeCode, complete: true);

    private ReadOnlySequence<byte> ReadExtensionCore(out sbyte typeCode, bool complete)
    {
        byte code = PeekCode();
        Span<byte> scratch = stackalloc byte[6];
        long length;
        int headerLength;
        scoped ReadOnlySpan<byte> header;
        switch (code)
        {
            case >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16:
                length = 1L << (code - MessagePackCode.FixExt1);
                headerLength = 2;
                header = PeekBytes(2, scratch, code);
                typeCode = unchecked((sbyte)header[1]);
                break;
            case MessagePackCode.Ext8:
                headerLength = 3;
                header = PeekBytes(3, scratch, code);
                length = header[1];
                typeCode = unchecked((sbyte)header[2]);
                break;
            case MessagePackCode.Ext16:
                headerLength = 4;
                header = PeekBytes(4, scratch, code);
                length = BinaryPrimitives.ReadUInt16BigEndian(header[1..]);
                typeCode = unchecked((sbyte)header[3]);
                break;
            case MessagePackCode.Ext32:
                headerLength = 6;
                header = PeekBytes(6, scratch, code);
                length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
                typeCode = unchecked((sbyte)header[5]);
                break;
            default:
                throw Mismatch("extension", code);
        }

        return TakeBody(length, headerLength, _options.MaxExtensionLength, "extension", complete);
    }

    /// <summary>Reads a timestamp extension (type −1) in its 32-, 64- or 96-bit form.</summary>
    /// <exception cref="MessagePackException">Not a timestamp, or an invalid length or nanoseconds value (<see cref="MessagePackError.Malformed"/>).</exception>
    public MessagePackTimestamp ReadTimestamp()
    {
        long start = _reader.Consumed;
        byte code = PeekCode();
        if (MessagePackCode.TypeOf(code) != MessagePackType.Extension)
        {
            throw Mismatch("timestamp", code);
        }

        // The value is completed only once it proved valid; on any failure the reader is put back where it starts.
        SequenceReader<byte> saved = _reader;
        ReadOnlySequence<byte> payload = ReadExtensionCore(out sbyte typeCode, complete: false);
        string? problem = null;
        MessagePackTimestamp result = default;
        if (typeCode != MessagePackCode.TimestampExtensionType)
        {
            problem = $"Expected a timestamp (extension -1) but found extension type {typeCode}";
        }
        else
        {
            Span<byte> body = stackalloc byte[12];
            uint nanoseconds = 0;
            long seconds = 0;
            switch (payload.Length)
            {
                case 4:
                    payload.CopyTo(body);
                    seconds = BinaryPrimitives.ReadUInt32BigEndian(body);
                    break;
                case 8:
                    payload.CopyTo(body);
                    ulong packed = BinaryPrimitives.ReadUInt64BigEndian(body);
                    nanoseconds = (uint)(packed >> 34);
                    seconds = (long)(packed & 0x3_ffff_ffffUL);
                    break;
                case 12:
                    payload.CopyTo(body);
                    nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(body);
                    seconds = BinaryPrimitives.ReadInt64BigEndian(body[4..]);
                    break;
                default:
                    problem = $"A timestamp extension must be 4, 8 or 12 bytes long, not {payload.Length}";
                    break;
            }

            if (problem is null && nanoseconds > MessagePackTimestamp.MaxNanoseconds)
            {
                problem = $"A timestamp's nanoseconds must be at most 999999999, not {nanoseconds}";
            }
            else if (problem is null)
            {
                result = new MessagePackTimestamp(seconds, nanoseconds);
            }
        }

        if (problem is not null)
        {
            _reader = saved;
            MessagePackError error = typeCode != MessagePackCode.TimestampExtensionType ? MessagePackError.TypeMismatch : MessagePackError.Malformed;
            throw new MessagePackException(error, start, $"{problem} (at byte offset {start}).");
        }

        CompleteValue();
        return result;
    }

    /// <summary>Reads a timestamp extension as a <see cref="DateTimeOffset"/> (UTC, truncated to 100 ns).</summary>
    /// <exception cref="MessagePackException">Not a timestamp, or outside the range of <see cref="DateTimeOffset"/> (<see cref="MessagePackError.Overflow"/>).</exception>
    public DateTimeOffset ReadDateTimeOffset()
    {
        long start = _reader.Consumed;
        MessagePackTimestamp timestamp = ReadTimestamp();
        try
        {
            return timestamp.ToDateTimeOffset();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new MessagePackException(MessagePackError.Overflow, start, $"The timestamp {timestamp} is outside the range of DateTimeOffset (at byte offset {start}).", ex);
        }
    }

    private long ReadSignedInRange(long min, long max, string typeName)
    {
        long start = _reader.Consumed;
        ReadIntegerCore(out ulong magnitude, out bool negative);
        if (negative ? unchecked((long)magnitude) < min : magnitude > (ulong)max)
        {
            string text = negative ? unchecked((long)magnitude).ToString(CultureInfo.InvariantCulture) : magnitude.ToString(CultureInfo.InvariantCulture);
            throw OverflowAt(start, text, typeName);
        }

        return unchecked((long)magnitude);
    }

    private ulong ReadUnsignedInRange(ulong max, string typeName)
    {
        long start = _reader.Consumed;
        ReadIntegerCore(out ulong value, out bool negative);
        if (negative || value > max)
        {
            string text = negative ? unchecked((long)value).ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
            throw OverflowAt(start, text, typeName);
        }

        return value;
    }

    /// <summary>
    /// Reads any integer format. A non-negative value comes back in <paramref name="value"/> with
    /// <paramref name="negative"/> false; a negative one as its two's-complement bits with <paramref name="negative"/> true.
    /// </summary>
    private void ReadIntegerCore(out ulong value, out bool negative)
    {
        byte code = PeekCode();
        if (code <= MessagePackCode.MaxPositiveFixInt)
        {
            value = code;
            negative = false;
            _reader.Advance(1);
            CompleteValue();
            return;
        }

        if (code >= MessagePackCode.MinNegativeFixInt)
        {
            value = unchecked((ulong)(sbyte)code);
            negative = true;
            _reader.Advance(1);
            CompleteValue();
            return;
        }

        int size = code switch
        {
            MessagePackCode.UInt8 or MessagePackCode.Int8 => 2,
            MessagePackCode.UInt16 or MessagePackCode.Int16 => 3,
            MessagePackCode.UInt32 or MessagePackCode.Int32 => 5,
            MessagePackCode.UInt64 or MessagePackCode.Int64 => 9,
            _ => throw Mismatch("integer", code),
        };
        Span<byte> scratch = stackalloc byte[9];
        ReadOnlySpan<byte> bytes = PeekBytes(size, scratch, code)[1..];
        long signed;
        switch (code)
        {
            case MessagePackCode.UInt8:
                value = bytes[0];
                negative = false;
                break;
            case MessagePackCode.UInt16:
                value = BinaryPrimitives.ReadUInt16BigEndian(bytes);
                negative = false;
                break;
            case MessagePackCode.UInt32:
                value = BinaryPrimitives.ReadUInt32BigEndian(bytes);
                negative = false;
                break;
            case MessagePackCode.UInt64:
                value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
                negative = false;
                break;
            case MessagePackCode.Int8:
                signed = unchecked((sbyte)bytes[0]);
                value = unchecked((ulong)signed);
                negative = signed < 0;
                break;
            case MessagePackCode.Int16:
                signed = BinaryPrimitives.ReadInt16BigEndian(bytes);
                value = unchecked((ulong)signed);
                negative = signed < 0;
                break;
            case MessagePackCode.Int32:
                signed = BinaryPrimitives.ReadInt32BigEndian(bytes);
                value = unchecked((ulong)signed);
                negative = signed < 0;
                break;
            default:
                signed = BinaryPrimitives.ReadInt64BigEndian(bytes);
                value = unchecked((ulong)signed);
                negative = signed < 0;
                break;
        }

        _reader.Advance(size);
        CompleteValue();
    }

    /// <summary>Reads the length of a str/bin 8, 16 or 32 format; <paramref name="width"/> is 0, 1 or 2 for 8, 16, 32.</summary>
    private readonly (long Length, int HeaderLength) ReadBodyLength(byte code, int width)
    {
        Span<byte> scratch = stackalloc byte[5];
        switch (width)
        {
            case 0:
            {
                ReadOnlySpan<byte> header = PeekBytes(2, scratch, code);
                return (header[1], 2);
            }

            case 1:
            {
                ReadOnlySpan<byte> header = PeekBytes(3, scratch, code);
                return (BinaryPrimitives.ReadUInt16BigEndian(header[1..]), 3);
            }

            default:
            {
                ReadOnlySpan<byte> header = PeekBytes(5, scratch, code);
                return (BinaryPrimitives.ReadUInt32BigEndian(header[1..]), 5);
            }
        }
    }

    /// <summary>Checks a body length against its limit and the remaining input, then consumes header and body.</summary>
    private ReadOnlySequence<byte> TakeBody(long length, int headerLength, int limit, string what, bool complete = true)
    {
        if (length > limit)
        {
            throw Error(MessagePackError.LimitExceeded, $"The {what} is {length} bytes long; the limit is {limit}.");
        }

        long available = _reader.Remaining - headerLength;
        if (length > available)
        {
            throw Error(MessagePackError.Truncated, $"The input ends inside a {what}: it needs {length} byte(s), {Math.Max(available, 0)} remain.");
        }

        _reader.Advance(headerLength);
        ReadOnlySequence<byte> body = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        if (complete)
        {
            CompleteValue();
        }

        return body;
    }

    private static MessagePackException OverflowAt(long offset, string value, string typeName) =>
        new(MessagePackError.Overflow, offset, $"The integer {value} does not fit {typeName} (at byte offset {offset}).");
}
