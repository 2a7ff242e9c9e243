namespace Mycnet.Networking.Protocols.Framing;

/// <summary>
/// A request or response: the unit of the request/response protocol. Immutable. The payload's compression is
/// applied and removed by <see cref="EnvelopeSerializer"/>; an envelope always holds the plain payload.
/// </summary>
public sealed class Envelope
{
    private Envelope(EnvelopeKind kind, ulong requestId, OperationId operation, EnvelopeFlags flags, IReadOnlyDictionary<string, string>? metadata, ReadOnlyMemory<byte> payload)
    {
        Kind = kind;
        RequestId = requestId;
        Operation = operation;
        Flags = flags;
        Metadata = metadata;
        Payload = payload;
    }

    /// <summary><see cref="EnvelopeKind.Request"/> or <see cref="EnvelopeKind.Response"/>.</summary>
    public EnvelopeKind Kind { get; }

    /// <summary>Pairs a response with its request; unique per connection and direction.</summary>
    public ulong RequestId { get; }

    /// <summary>The operation (requests only; default for responses).</summary>
    public OperationId Operation { get; }

    /// <summary>Flags other than compression (which the serializer sets on the wire).</summary>
    public EnvelopeFlags Flags { get; }

    /// <summary>String key/value metadata (headers), or null for none.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>The plain (uncompressed) payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; }

    /// <summary>Creates a request.</summary>
    /// <exception cref="ArgumentException">The flags include compression bits or <see cref="EnvelopeFlags.EndOfBody"/>.</exception>
    public static Envelope CreateRequest(ulong requestId, OperationId operation, ReadOnlyMemory<byte> payload, IReadOnlyDictionary<string, string>? metadata = null, EnvelopeFlags flags = EnvelopeFlags.None)
    {
        CheckFlags(flags);
        return new Envelope(EnvelopeKind.Request, requestId, operation, flags, metadata, payload);
    }

    /// <summary>Creates a response.</summary>
    /// <exception cref="ArgumentException">The flags include compression bits, <see cref="EnvelopeFlags.EndOfBody"/> or <see cref="EnvelopeFlags.OneWay"/>.</exception>
    public static Envelope CreateResponse(ulong requestId, ReadOnlyMemory<byte> payload, IReadOnlyDictionary<string, string>? metadata = null, EnvelopeFlags flags = EnvelopeFlags.None)
    {
        CheckFlags(flags);
        if ((flags & EnvelopeFlags.OneWay) != 0)
        {
            throw new ArgumentException("A response cannot be one-way.", nameof(flags));
        }

        return new Envelope(EnvelopeKind.Response, requestId, default, flags, metadata, payload);
    }

    internal static Envelope FromWire(EnvelopeKind kind, ulong requestId, OperationId operation, EnvelopeFlags flags, IReadOnlyDictionary<string, string>? metadata, ReadOnlyMemory<byte> payload) =>
        new(kind, requestId, operation, flags, metadata, payload);

    private static void CheckFlags(EnvelopeFlags flags)
    {
        if ((flags & ~EnvelopeFlagsExtensions.Known) != 0 || (flags & (EnvelopeFlagsExtensions.CompressionMask | EnvelopeFlags.EndOfBody)) != 0)
        {
            throw new ArgumentException($"Flags {flags} are not valid on a request or response (compression is set by the serializer).", nameof(flags));
        }
    }
}

/// <summary>An error answering a request.</summary>
/// <param name="RequestId">The request it answers.</param>
/// <param name="Code">A well-known <see cref="EnvelopeErrorCode"/> or an application code from <see cref="EnvelopeErrorCode.ApplicationBase"/>.</param>
/// <param name="Message">A human-readable message.</param>
/// <param name="Metadata">Optional metadata.</param>
public sealed record ErrorEnvelope(ulong RequestId, uint Code, string Message, IReadOnlyDictionary<string, string>? Metadata = null)
{
    /// <summary>Creates an error with a well-known code.</summary>
    public ErrorEnvelope(ulong requestId, EnvelopeErrorCode code, string message, IReadOnlyDictionary<string, string>? metadata = null)
        : this(requestId, (uint)code, message, metadata)
    {
    }

    /// <summary>The code as a well-known code (it may be an application code outside the enum).</summary>
    public EnvelopeErrorCode WellKnownCode => (EnvelopeErrorCode)Code;
}

/// <summary>One chunk of a streaming body.</summary>
/// <param name="RequestId">The request (or response) whose body this is.</param>
/// <param name="Sequence">0 for the first chunk, then 1, 2, …</param>
/// <param name="IsFinal">Whether this is the last chunk.</param>
/// <param name="Payload">The chunk's plain (uncompressed) bytes.</param>
public sealed record BodyChunk(ulong RequestId, uint Sequence, bool IsFinal, ReadOnlyMemory<byte> Payload);
