using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>One decoded envelope: exactly one of <see cref="Envelope"/>, <see cref="Error"/> and <see cref="Chunk"/> is set, per <see cref="Kind"/>.</summary>
/// <param name="Kind">The kind read.</param>
/// <param name="Envelope">A request or response.</param>
/// <param name="Error">An error.</param>
/// <param name="Chunk">A body chunk.</param>
public readonly record struct DecodedEnvelope(EnvelopeKind Kind, Envelope? Envelope, ErrorEnvelope? Error, BodyChunk? Chunk);

// Reading.
public sealed partial class EnvelopeSerializer
{
    /// <summary>
    /// Reads one envelope that fills <paramref name="message"/>, decompressing its payload. An uncompressed
    /// payload in a single segment is a slice of <paramref name="message"/>: keep that memory alive while using it.
    /// </summary>
    /// <exception cref="EnvelopeException">The envelope is malformed, truncated, over a limit or inconsistent (the inner exception says where).</exception>
    public DecodedEnvelope Deserialize(ReadOnlySequence<byte> message)
    {
        try
        {
            var reader = new MessagePackReader(message, _readerOptions);
            int count = reader.ReadArrayHeader();
            if (count < 1)
            {
                throw Violation("An envelope is a non-empty array.");
            }

            uint kind = reader.ReadUInt32();
            DecodedEnvelope decoded = kind switch
            {
                (uint)EnvelopeKind.Request => new(EnvelopeKind.Request, ReadRequestOrResponse(ref reader, count, request: true), null, null),
                (uint)EnvelopeKind.Response => new(EnvelopeKind.Response, ReadRequestOrResponse(ref reader, count, request: false), null, null),
                (uint)EnvelopeKind.Error => new(EnvelopeKind.Error, null, ReadError(ref reader, count), null),
                (uint)EnvelopeKind.BodyChunk => new(EnvelopeKind.BodyChunk, null, null, ReadChunk(ref reader, count)),
                _ => throw Violation($"Unknown envelope kind {kind}."),
            };
            reader.EnsureEnd();
            return decoded;
        }
        catch (MessagePackException ex)
        {
            EnvelopeErrorCode code = ex.Error == MessagePackError.LimitExceeded ? EnvelopeErrorCode.PayloadTooLarge : EnvelopeErrorCode.ProtocolViolation;
            throw new EnvelopeException(code, $"Invalid envelope: {ex.Message}", ex);
        }
    }

    /// <summary>Reads one envelope from contiguous memory.</summary>
    /// <exception cref="EnvelopeException">The envelope is malformed, truncated, over a limit or inconsistent.</exception>
    public DecodedEnvelope Deserialize(ReadOnlyMemory<byte> message) => Deserialize(new ReadOnlySequence<byte>(message));

    private Envelope ReadRequestOrResponse(ref MessagePackReader reader, int count, bool request)
    {
        int expected = request ? 6 : 5;
        RequireCount(count, expected, request ? "request" : "response");
        ulong requestId = reader.ReadUInt64();
        OperationId operation = default;
        if (request)
        {
            MessagePackType type = reader.NextType;
            if (type == MessagePackType.Integer)
            {
                operation = OperationId.FromCode(reader.ReadUInt32());
            }
            else if (type == MessagePackType.String)
            {
                string name = reader.ReadString();
                if (name.Length is 0 or > OperationId.MaxNameLength)
                {
                    throw Violation($"An operation name is 1–{OperationId.MaxNameLength} characters, not {name.Length}.");
                }

                operation = OperationId.FromName(name);
            }
            else
            {
                throw Violation($"An operation is an integer code or a string name, not {type}.");
            }
        }

        EnvelopeFlags flags = ReadFlags(ref reader, EnvelopeFlags.EndOfBody | (request ? EnvelopeFlags.None : EnvelopeFlags.OneWay));
        IReadOnlyDictionary<string, string>? metadata = ReadMetadata(ref reader);
        ReadOnlyMemory<byte> payload = ReadPayload(ref reader, flags.Compression());
        SkipExtra(ref reader, count, expected);
        return Envelope.FromWire(request ? EnvelopeKind.Request : EnvelopeKind.Response, requestId, operation, flags & ~EnvelopeFlagsExtensions.CompressionMask, metadata, payload);
    }

    private ErrorEnvelope ReadError(ref MessagePackReader reader, int count)
    {
        RequireCount(count, 5, "error");
        ulong requestId = reader.ReadUInt64();
        uint code = reader.ReadUInt32();
        string text = ReadBoundedString(ref reader, Options.MaxErrorMessageLength, "error message");

        IReadOnlyDictionary<string, string>? metadata = ReadMetadata(ref reader);
        SkipExtra(ref reader, count, 5);
        return new ErrorEnvelope(requestId, code, text, metadata);
    }

    private BodyChunk ReadChunk(ref MessagePackReader reader, int count)
    {
        RequireCount(count, 5, "body chunk");
        ulong requestId = reader.ReadUInt64();
        uint sequence = reader.ReadUInt32();
        EnvelopeFlags flags = ReadFlags(ref reader, EnvelopeFlags.Streaming | EnvelopeFlags.OneWay);
        ReadOnlyMemory<byte> payload = ReadPayload(ref reader, flags.Compression());
        SkipExtra(ref reader, count, 5);
        return new BodyChunk(requestId, sequence, (flags & EnvelopeFlags.EndOfBody) != 0, payload);
    }

    private static EnvelopeFlags ReadFlags(ref MessagePackReader reader, EnvelopeFlags forbidden)
    {
        var flags = (EnvelopeFlags)reader.ReadUInt32();
        if ((flags & ~EnvelopeFlagsExtensions.Known) != 0)
        {
            throw Violation($"Unknown envelope flags 0x{(uint)(flags & ~EnvelopeFlagsExtensions.Known):x}.");
        }

        if ((flags & EnvelopeFlagsExtensions.CompressionMask) == EnvelopeFlagsExtensions.CompressionMask)
        {
            throw Violation("An envelope cannot be both DEFLATE- and Brotli-compressed.");
        }

        if ((flags & forbidden) != 0)
        {
            throw Violation($"Flags {flags & forbidden} are not valid on this kind of envelope.");
        }

        return flags;
    }

    private Dictionary<string, string>? ReadMetadata(ref MessagePackReader reader)
    {
        if (reader.TryReadNil())
        {
            return null;
        }

        int count = reader.ReadMapHeader();
        if (count > Options.MaxMetadataEntries)
        {
            throw new EnvelopeException(EnvelopeErrorCode.PayloadTooLarge, $"An envelope carries at most {Options.MaxMetadataEntries} metadata entries, not {count}.");
        }

        var metadata = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = ReadBoundedString(ref reader, Options.MaxMetadataKeyLength, "metadata key");
            string value = ReadBoundedString(ref reader, Options.MaxMetadataValueLength, "metadata value");
            if (!metadata.TryAdd(key, value))
            {
                throw Violation($"The metadata key '{key}' appears twice.");
            }
        }

        return metadata;
    }

    private static string ReadBoundedString(ref MessagePackReader reader, int maxBytes, string what)
    {
        long start = reader.Consumed;
        string value = reader.ReadString();
        long bytes = System.Text.Encoding.UTF8.GetByteCount(value);
        return bytes > maxBytes
            ? throw new EnvelopeException(EnvelopeErrorCode.PayloadTooLarge, $"A {what} at byte offset {start} is {bytes} bytes; the limit is {maxBytes}.")
            : value;
    }

    private ReadOnlyMemory<byte> ReadPayload(ref MessagePackReader reader, CompressionAlgorithm compression)
    {
        ReadOnlySequence<byte> bytes = reader.ReadBinary();
        if (compression != CompressionAlgorithm.None)
        {
            return PayloadCompression.Decompress(compression, bytes, Options.MaxPayloadLength);
        }

        return bytes.IsSingleSegment ? bytes.First : bytes.ToArray();
    }

    private static void RequireCount(int count, int expected, string what)
    {
        if (count < expected)
        {
            throw Violation($"A {what} envelope has {expected} elements, not {count}.");
        }
    }

    private static void SkipExtra(ref MessagePackReader reader, int count, int known)
    {
        for (int i = known; i < count; i++)
        {
            reader.Skip();
        }
    }

    private static EnvelopeException Violation(string message) => new(EnvelopeErrorCode.ProtocolViolation, message);
}
