// Design: a streaming body travels as BodyChunk envelopes with the request's id and sequence numbers 0, 1, 2,
// …; the last carries EndOfBody. The writer cuts the next chunk at whatever size the caller passes — the
// current chunk size of the adaptive strategy, which may change between chunks — and the assembler checks the
// id, the order and the total against its limit before it keeps any bytes. Both are sans-IO: the caller moves
// the chunks (through an EnvelopeSerializer and a stream).
using System.Buffers;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>Cuts a body into <see cref="BodyChunk"/>s of the size the caller chooses per chunk.</summary>
public sealed class ChunkedBodyWriter
{
    private ReadOnlySequence<byte> _remaining;
    private uint _sequence;

    /// <summary>Creates a writer for the body of request <paramref name="requestId"/>.</summary>
    public ChunkedBodyWriter(ulong requestId, ReadOnlySequence<byte> body)
    {
        RequestId = requestId;
        _remaining = body;
    }

    /// <summary>Creates a writer over contiguous memory.</summary>
    public ChunkedBodyWriter(ulong requestId, ReadOnlyMemory<byte> body)
        : this(requestId, new ReadOnlySequence<byte>(body))
    {
    }

    /// <summary>The request whose body this is.</summary>
    public ulong RequestId { get; }

    /// <summary>Bytes not yet cut into chunks.</summary>
    public long Remaining => _remaining.Length;

    /// <summary>Whether the final chunk was produced.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>
    /// Cuts the next chunk of at most <paramref name="chunkSize"/> bytes; it is final when it takes the rest. An
    /// empty body gives one empty final chunk.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is not positive.</exception>
    /// <exception cref="InvalidOperationException">The final chunk was already produced.</exception>
    public BodyChunk NextChunk(int chunkSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(chunkSize);
        if (IsComplete)
        {
            throw new InvalidOperationException("The body was already fully chunked.");
        }

        long take = Math.Min(chunkSize, _remaining.Length);
        ReadOnlySequence<byte> part = _remaining.Slice(0, take);
        _remaining = _remaining.Slice(take);
        IsComplete = _remaining.IsEmpty;
        ReadOnlyMemory<byte> payload = part.IsSingleSegment ? part.First : part.ToArray();
        return new BodyChunk(RequestId, _sequence++, IsComplete, payload);
    }
}

/// <summary>Reassembles a body from its chunks, checking id, order and size.</summary>
public sealed class ChunkedBodyAssembler
{
    private readonly ArrayBufferWriter<byte> _body = new();
    private uint _nextSequence;

    /// <summary>Creates an assembler for the body of request <paramref name="requestId"/>, at most <paramref name="maxBodyLength"/> bytes.</summary>
    public ChunkedBodyAssembler(ulong requestId, int maxBodyLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBodyLength);
        RequestId = requestId;
        MaxBodyLength = maxBodyLength;
    }

    /// <summary>The request whose body this is.</summary>
    public ulong RequestId { get; }

    /// <summary>The largest body accepted.</summary>
    public int MaxBodyLength { get; }

    /// <summary>Whether the final chunk arrived.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>How many chunks arrived.</summary>
    public uint ChunkCount => _nextSequence;

    /// <summary>The body so far (all of it once <see cref="IsComplete"/>).</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>Adds the next chunk; returns true when it was the final one.</summary>
    /// <exception cref="EnvelopeException">
    /// A chunk of another request, out of order, after the final one (<see cref="EnvelopeErrorCode.ProtocolViolation"/>),
    /// or past the size limit (<see cref="EnvelopeErrorCode.PayloadTooLarge"/>).
    /// </exception>
    public bool Add(BodyChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (chunk.RequestId != RequestId)
        {
            throw new EnvelopeException(EnvelopeErrorCode.ProtocolViolation, $"A chunk of request {chunk.RequestId} arrived in the body of request {RequestId}.");
        }

        if (IsComplete)
        {
            throw new EnvelopeException(EnvelopeErrorCode.ProtocolViolation, $"Chunk {chunk.Sequence} of request {RequestId} arrived after the final chunk.");
        }

        if (chunk.Sequence != _nextSequence)
        {
            throw new EnvelopeException(EnvelopeErrorCode.ProtocolViolation, $"Chunk {chunk.Sequence} of request {RequestId} arrived where chunk {_nextSequence} was due.");
        }

        if ((long)_body.WrittenCount + chunk.Payload.Length > MaxBodyLength)
        {
            throw new EnvelopeException(EnvelopeErrorCode.PayloadTooLarge, $"The body of request {RequestId} exceeds {MaxBodyLength} bytes.");
        }

        _body.Write(chunk.Payload.Span);
        _nextSequence++;
        IsComplete = chunk.IsFinal;
        return IsComplete;
    }
}
