// Design: the envelope wire format is a MessagePack array per message, positional for compactness (envelopes
// are the hot path, unlike control messages); the first element is the kind.
//
//   Request   [1, request id (uint), operation (uint code | str name), flags (uint), metadata (map str→str | nil), payload (bin)]
//   Response  [2, request id, flags, metadata, payload]
//   Error     [3, request id, code (uint), message (str), metadata]
//   BodyChunk [4, request id, sequence (uint), flags, payload]
//
// A reader accepts arrays longer than it knows and skips the extra elements (room for later versions); it
// rejects unknown flag bits, both compression bits at once, duplicate metadata keys, and anything over its
// limits. Compression is per message: the writer compresses a payload when the current settings say so and it
// actually gets smaller, and marks the algorithm in the flags; the reader decompresses within the payload limit.
// Writing an uncompressed envelope without metadata allocates nothing; a read payload that sits in one segment
// of the input is returned as a slice of it (no copy).
using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>
/// Writes and reads envelopes (requests, responses, errors, body chunks), applying payload compression per the
/// current <see cref="Compression"/> settings. One serializer per connection direction; not thread-safe while
/// <see cref="Compression"/> is being changed.
/// </summary>
public sealed partial class EnvelopeSerializer
{
    private readonly MessagePackReaderOptions _readerOptions;

    /// <summary>Creates a serializer with the given limits (or the defaults) and compression (or none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit is out of range.</exception>
    public EnvelopeSerializer(EnvelopeSerializerOptions? options = null, PayloadCompressionSettings compression = default)
    {
        Options = options ?? EnvelopeSerializerOptions.Default;
        Options.Validate();
        Compression = compression;
        _readerOptions = new MessagePackReaderOptions
        {
            MaxDepth = 2,
            MaxCollectionLength = Math.Max(Options.MaxMetadataEntries, 16),
            MaxStringLength = Math.Max(Math.Max(Options.MaxMetadataKeyLength, Options.MaxMetadataValueLength), Math.Max(Options.MaxErrorMessageLength, OperationId.MaxNameLength * 4)),
            MaxBinaryLength = Options.MaxPayloadLength,
            MaxExtensionLength = Options.MaxPayloadLength,
        };
    }

    /// <summary>The limits in force.</summary>
    public EnvelopeSerializerOptions Options { get; }

    /// <summary>The compression applied to payloads written from now on; re-tune it from an adaptive strategy.</summary>
    public PayloadCompressionSettings Compression { get; set; }

    /// <summary>Writes a request or response.</summary>
    public void Serialize(IBufferWriter<byte> output, Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var writer = new MessagePackWriter(output);
        bool request = envelope.Kind == EnvelopeKind.Request;
        writer.WriteArrayHeader(request ? 6 : 5);
        writer.Write((int)envelope.Kind);
        writer.Write(envelope.RequestId);
        if (request)
        {
            if (envelope.Operation.IsName)
            {
                writer.Write(envelope.Operation.Name);
            }
            else
            {
                writer.Write(envelope.Operation.Code);
            }
        }

        WritePayloadTail(ref writer, envelope.Flags, envelope.Metadata, envelope.Payload.Span, writeMetadata: true);
    }

    /// <summary>Writes an error.</summary>
    public void Serialize(IBufferWriter<byte> output, ErrorEnvelope error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(5);
        writer.Write((int)EnvelopeKind.Error);
        writer.Write(error.RequestId);
        writer.Write(error.Code);
        writer.Write(error.Message ?? string.Empty);
        WriteMetadata(ref writer, error.Metadata);
    }

    /// <summary>Writes a body chunk.</summary>
    public void Serialize(IBufferWriter<byte> output, BodyChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(5);
        writer.Write((int)EnvelopeKind.BodyChunk);
        writer.Write(chunk.RequestId);
        writer.Write(chunk.Sequence);
        WritePayloadTail(ref writer, chunk.IsFinal ? EnvelopeFlags.EndOfBody : EnvelopeFlags.None, null, chunk.Payload.Span, writeMetadata: false);
    }

    /// <summary>Writes flags, metadata (when the kind has it) and the payload, compressing it when that pays.</summary>
    private void WritePayloadTail(ref MessagePackWriter writer, EnvelopeFlags flags, IReadOnlyDictionary<string, string>? metadata, ReadOnlySpan<byte> payload, bool writeMetadata)
    {
        PayloadCompressionSettings compression = Compression;
        if (!compression.AppliesTo(payload.Length))
        {
            writer.Write((uint)flags);
            if (writeMetadata)
            {
                WriteMetadata(ref writer, metadata);
            }

            writer.WriteBinary(payload);
            return;
        }

        var compressed = new ArrayBufferWriter<byte>(Math.Max(256, payload.Length / 2));
        int length = PayloadCompression.Compress(compression.Algorithm, compression.Level, payload, compressed);
        bool smaller = length < payload.Length;
        writer.Write((uint)(smaller ? flags.WithCompression(compression.Algorithm) : flags));
        if (writeMetadata)
        {
            WriteMetadata(ref writer, metadata);
        }

        writer.WriteBinary(smaller ? compressed.WrittenSpan : payload);
    }

    private static void WriteMetadata(ref MessagePackWriter writer, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            writer.WriteNil();
            return;
        }

        writer.WriteMapHeader(metadata.Count);
        if (metadata is Dictionary<string, string> dictionary)
        {
            foreach (KeyValuePair<string, string> entry in dictionary)
            {
                writer.Write(entry.Key);
                writer.Write(entry.Value);
            }
        }
        else
        {
            foreach (KeyValuePair<string, string> entry in metadata)
            {
                writer.Write(entry.Key);
                writer.Write(entry.Value);
            }
        }
    }
}
