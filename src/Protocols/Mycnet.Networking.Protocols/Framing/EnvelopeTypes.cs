using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>The kinds of envelope, as numbered on the wire (the first array element).</summary>
public enum EnvelopeKind
{
    /// <summary>A request: request id, operation, flags, metadata, payload.</summary>
    Request = 1,

    /// <summary>A response: request id, flags, metadata, payload.</summary>
    Response = 2,

    /// <summary>An error answering a request: request id, error code, message, metadata.</summary>
    Error = 3,

    /// <summary>One chunk of a streaming body: request id, sequence number, flags, payload.</summary>
    BodyChunk = 4,
}

/// <summary>Per-envelope flags. Bits 0–1 name the payload's compression; the rest are independent.</summary>
[Flags]
public enum EnvelopeFlags : uint
{
    /// <summary>No flags; payload uncompressed.</summary>
    None = 0,

    /// <summary>The payload is DEFLATE-compressed.</summary>
    Deflate = 1,

    /// <summary>The payload is Brotli-compressed.</summary>
    Brotli = 2,

    /// <summary>The body follows as <see cref="EnvelopeKind.BodyChunk"/> envelopes with the same request id.</summary>
    Streaming = 4,

    /// <summary>On a body chunk: the last one.</summary>
    EndOfBody = 8,

    /// <summary>On a request: the sender expects no response.</summary>
    OneWay = 16,

    /// <summary>The message may be lost without harm, so it may travel as a datagram where the profile allows.</summary>
    LossTolerant = 32,
}

/// <summary>Helpers for the compression bits of <see cref="EnvelopeFlags"/>.</summary>
public static class EnvelopeFlagsExtensions
{
    /// <summary>The compression bits.</summary>
    public const EnvelopeFlags CompressionMask = EnvelopeFlags.Deflate | EnvelopeFlags.Brotli;

    /// <summary>All flags this version defines.</summary>
    public const EnvelopeFlags Known = CompressionMask | EnvelopeFlags.Streaming | EnvelopeFlags.EndOfBody | EnvelopeFlags.OneWay | EnvelopeFlags.LossTolerant;

    /// <summary>The compression the flags name.</summary>
    public static CompressionAlgorithm Compression(this EnvelopeFlags flags) => (flags & CompressionMask) switch
    {
        EnvelopeFlags.Deflate => CompressionAlgorithm.Deflate,
        EnvelopeFlags.Brotli => CompressionAlgorithm.Brotli,
        _ => CompressionAlgorithm.None,
    };

    /// <summary>The flags with their compression bits set to <paramref name="algorithm"/>.</summary>
    public static EnvelopeFlags WithCompression(this EnvelopeFlags flags, CompressionAlgorithm algorithm) => (flags & ~CompressionMask) | algorithm switch
    {
        CompressionAlgorithm.Deflate => EnvelopeFlags.Deflate,
        CompressionAlgorithm.Brotli => EnvelopeFlags.Brotli,
        _ => EnvelopeFlags.None,
    };
}

/// <summary>Well-known error codes of an <see cref="ErrorEnvelope"/>. Applications use codes from <see cref="ApplicationBase"/> up.</summary>
public enum EnvelopeErrorCode : uint
{
    /// <summary>An unspecified failure.</summary>
    Unknown = 0,

    /// <summary>The request was malformed or its arguments invalid.</summary>
    BadRequest = 1,

    /// <summary>No handler for the operation.</summary>
    OperationNotFound = 2,

    /// <summary>The payload or body exceeds what the receiver accepts.</summary>
    PayloadTooLarge = 3,

    /// <summary>The receiver cannot serve now; retry elsewhere or later.</summary>
    Unavailable = 4,

    /// <summary>The operation did not finish in time.</summary>
    Timeout = 5,

    /// <summary>The operation was cancelled.</summary>
    Cancelled = 6,

    /// <summary>The handler failed.</summary>
    Internal = 7,

    /// <summary>The peer broke the envelope protocol (bad sequence, unknown compression, …).</summary>
    ProtocolViolation = 8,

    /// <summary>The caller may not perform the operation.</summary>
    Unauthorized = 9,

    /// <summary>The first application-defined code.</summary>
    ApplicationBase = 0x1000,
}
