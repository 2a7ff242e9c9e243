// Design: a MessagePack reader over ReadOnlySequence<byte> (a SequenceReader<byte> underneath), so a value may
// be split across any number of segments. Every read peeks the format byte, computes how many bytes the
// header needs, and takes them from the current segment when it holds them (the fast path) or copies them
// into a small stack buffer when they straddle segments; either way nothing is allocated for primitives.
// Bodies (strings, binaries, extensions) are checked against the limits and against the bytes that remain
// before they are sliced, so a forged length can neither allocate nor read past the input.
//
// Nesting is tracked by the reader itself: an array or map header with n > 0 elements pushes a frame holding
// the number of values still owed (2n for a map); every complete value pays one off, and a frame that reaches
// zero pops and pays one off its parent. The depth limit is checked on every push, whatever the caller reads,
// and Skip() walks any value iteratively with the same frames (no recursion, so no stack overflow).
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>
/// Reads MessagePack values from a <see cref="ReadOnlySequence{T}"/>, enforcing the limits of
/// <see cref="MessagePackReaderOptions"/>. Reading primitives allocates nothing; malformed, truncated or
/// over-limit input throws <see cref="MessagePackException"/> and leaves the reader where the failing value starts.
/// </summary>
/// <remarks>
/// Pass the reader by <c>ref</c>. Binary, extension and raw-string reads return slices of the input, valid as
/// long as the input is.
/// </remarks>
public ref partial struct MessagePackReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SequenceReader<byte> _reader;
    private readonly MessagePackReaderOptions _options;
    private DepthFrames _frames;
    private int _depth;

    /// <summary>Creates a reader over <paramref name="input"/> with the given limits (or the defaults).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit in <paramref name="options"/> is out of range.</exception>
    public MessagePackReader(ReadOnlySequence<byte> input, MessagePackReaderOptions? options = null)
    {
        _options = options ?? MessagePackReaderOptions.Default;
        if (!ReferenceEquals(_options, MessagePackReaderOptions.Default))
        {
            _options.Validate();
        }

        _reader = new SequenceReader<byte>(input);
        _frames = default;
        _depth = 0;
    }

    /// <summary>Creates a reader over contiguous memory.</summary>
    public MessagePackReader(ReadOnlyMemory<byte> input, MessagePackReaderOptions? options = null)
        : this(new ReadOnlySequence<byte>(input), options)
    {
    }

    /// <summary>The input.</summary>
    public readonly ReadOnlySequence<byte> Sequence => _reader.Sequence;

    /// <summary>The position of the next value.</summary>
    public readonly SequencePosition Position => _reader.Position;

    /// <summary>Bytes consumed so far.</summary>
    public readonly long Consumed => _reader.Consumed;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>Whether all input has been consumed.</summary>
    public readonly bool End => _reader.End;

    /// <summary>How many arrays and maps the reader is inside (0 at top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>The limits in force.</summary>
    public readonly MessagePackReaderOptions Options => _options;

    /// <summary>The type of the next value, without consuming it.</summary>
    /// <exception cref="MessagePackException">The input is exhausted (<see cref="MessagePackError.Truncated"/>).</exception>
    public readonly MessagePackType NextType => MessagePackCode.TypeOf(PeekCode());

    /// <summary>The format byte of the next value, without consuming it.</summary>
    /// <exception cref="MessagePackException">The input is exhausted (<see cref="MessagePackError.Truncated"/>).</exception>
    public readonly byte NextCode => PeekCode();

    /// <summary>Whether the next value is nil (false at the end of input).</summary>
    public readonly bool IsNil => _reader.TryPeek(out byte code) && code == MessagePackCode.Nil;

    /// <summary>Checks that all input was consumed and every collection completed.</summary>
    /// <exception cref="MessagePackException">Bytes remain (<see cref="MessagePackError.Malformed"/>) or a collection is unfinished (<see cref="MessagePackError.Truncated"/>).</exception>
    public readonly void EnsureEnd()
    {
        if (_depth != 0)
        {
            throw Error(MessagePackError.Truncated, $"The input ends inside a collection ({_depth} level(s) unfinished).");
        }

        if (!_reader.End)
        {
            throw Error(MessagePackError.Malformed, $"{_reader.Remaining} unexpected byte(s) follow the last value.");
        }
    }

    /// <summary>Reads nil.</summary>
    public void ReadNil()
    {
        byte code = PeekCode();
        if (code != MessagePackCode.Nil)
        {
            throw Mismatch("nil", code);
        }

        _reader.Advance(1);
        CompleteValue();
    }

    /// <summary>Reads nil if the next value is nil.</summary>
    /// <returns>True when a nil was consumed.</returns>
    public bool TryReadNil()
    {
        if (_reader.TryPeek(out byte code) && code == MessagePackCode.Nil)
        {
            _reader.Advance(1);
            CompleteValue();
            return true;
        }

        return false;
    }

    /// <summary>Reads a boolean.</summary>
    public bool ReadBoolean()
    {
        byte code = PeekCode();
        bool value = code switch
        {
            MessagePackCode.True => true,
            MessagePackCode.False => false,
            _ => throw Mismatch("bool", code),
        };
        _reader.Advance(1);
        CompleteValue();
        return value;
    }

    /// <summary>Reads the header of an array and returns its element count; the elements follow.</summary>
    public int ReadArrayHeader()
    {
        byte code = PeekCode();
        long count;
        int headerLength;
        if (code is >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray)
        {
            count = code & 0x0f;
            headerLength = 1;
        }
        else if (code is MessagePackCode.Array16 or MessagePackCode.Array32)
        {
            (count, headerLength) = ReadLengthHeader(code, code == MessagePackCode.Array16);
        }
        else
        {
            throw Mismatch("array", code);
        }

        EnterCollection(count, 1, headerLength, "array");
        return (int)count;
    }

    /// <summary>Reads the header of a map and returns its entry count; key, value, key, value, … follow.</summary>
    public int ReadMapHeader()
    {
        byte code = PeekCode();
        long count;
        int headerLength;
        if (code is >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap)
        {
            count = code & 0x0f;
            headerLength = 1;
        }
        else if (code is MessagePackCode.Map16 or MessagePackCode.Map32)
        {
            (count, headerLength) = ReadLengthHeader(code, code == MessagePackCode.Map16);
        }
        else
        {
            throw Mismatch("map", code);
        }

        EnterCollection(count, 2, headerLength, "map");
        return (int)count;
    }

    /// <summary>Skips the next value, including everything nested in it.</summary>
    public void Skip()
    {
        int targetDepth = _depth;
        do
        {
            SkipOne();
        }
        while (_depth > targetDepth);
    }

    /// <summary>Skips the next value and returns the bytes it occupied (a slice of the input).</summary>
    public ReadOnlySequence<byte> ReadRawValue()
    {
        SequencePosition start = _reader.Position;
        Skip();
        return _reader.Sequence.Slice(start, _reader.Position);
    }

    private void SkipOne()
    {
        byte code = PeekCode();
        switch (MessagePackCode.TypeOf(code))
        {
            case MessagePackType.Nil:
            case MessagePackType.Boolean:
                _reader.Advance(1);
                CompleteValue();
                break;
            case MessagePackType.Integer:
                ReadIntegerCore(out _, out _);
                break;
            case MessagePackType.Float:
                ReadDouble();
                break;
            case MessagePackType.String:
                ReadStringSequence();
                break;
            case MessagePackType.Binary:
                ReadBinary();
                break;
            case MessagePackType.Extension:
                ReadExtension(out _);
                break;
            case MessagePackType.Array:
                ReadArrayHeader();
                break;
            case MessagePackType.Map:
                ReadMapHeader();
                break;
            default:
                throw Error(MessagePackError.Malformed, "The reserved format byte 0xc1 is not valid MessagePack.");
        }
    }

    private void EnterCollection(long count, int valuesPerElement, int headerLength, string what)
    {
        if (count > _options.MaxCollectionLength)
        {
            throw Error(MessagePackError.LimitExceeded, $"The {what} announces {count} elements; the limit is {_options.MaxCollectionLength}.");
        }

        long owed = count * valuesPerElement;

        // Every element takes at least one byte, so a count beyond the remaining input is a lie or a truncation.
        if (owed > _reader.Remaining - headerLength)
        {
            throw Error(MessagePackError.Truncated, $"The {what} announces {count} elements but only {_reader.Remaining - headerLength} byte(s) remain.");
        }

        if (count > 0 && _depth >= _options.MaxDepth)
        {
            throw Error(MessagePackError.LimitExceeded, $"Nesting deeper than the limit of {_options.MaxDepth} levels.");
        }

        _reader.Advance(headerLength);
        if (count == 0)
        {
            CompleteValue();
            return;
        }

        _frames[_depth] = (uint)owed;
        _depth++;
    }

    private void CompleteValue()
    {
        while (_depth > 0)
        {
            ref uint owed = ref _frames[_depth - 1];
            owed--;
            if (owed != 0)
            {
                return;
            }

            _depth--;
        }
    }

    private readonly byte PeekCode()
    {
        if (!_reader.TryPeek(out byte code))
        {
            throw Error(MessagePackError.Truncated, "The input ends where a value was expected.");
        }

        return code;
    }

    /// <summary>Reads the 2- or 4-byte big-endian length after a 16/32 format byte.</summary>
    private readonly (long Length, int HeaderLength) ReadLengthHeader(byte code, bool sixteen)
    {
        int headerLength = sixteen ? 3 : 5;
        Span<byte> scratch = stackalloc byte[5];
        ReadOnlySpan<byte> header = PeekBytes(headerLength, scratch, code);
        long length = sixteen ? BinaryPrimitives.ReadUInt16BigEndian(header[1..]) : BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        return (length, headerLength);
    }

    /// <summary>Returns the next <paramref name="count"/> bytes without consuming them, copying into <paramref name="scratch"/> when they straddle segments.</summary>
    private readonly ReadOnlySpan<byte> PeekBytes(int count, Span<byte> scratch, byte code)
    {
        ReadOnlySpan<byte> unread = _reader.UnreadSpan;
        if (unread.Length >= count)
        {
            return unread[..count];
        }

        Span<byte> target = scratch[..count];
        if (!_reader.TryCopyTo(target))
        {
            throw Error(MessagePackError.Truncated, $"The input ends inside a {MessagePackCode.FormatName(code)} header: it needs {count} byte(s), {_reader.Remaining} remain.");
        }

        return target;
    }

    private readonly MessagePackException Error(MessagePackError error, string message, Exception? inner = null) =>
        new(error, _reader.Consumed, $"{message} (at byte offset {_reader.Consumed})", inner);

    private readonly MessagePackException Mismatch(string expected, byte code) =>
        code == MessagePackCode.NeverUsed
            ? Error(MessagePackError.Malformed, "The reserved format byte 0xc1 is not valid MessagePack.")
            : Error(MessagePackError.TypeMismatch, $"Expected {expected} but found {MessagePackCode.FormatName(code)} (0x{code:x2}).");

    /// <summary>Values still owed per open collection, one slot per nesting level.</summary>
    [InlineArray(MessagePackReaderOptions.MaxSupportedDepth)]
    private struct DepthFrames
    {
        private uint _element0;
    }
}
