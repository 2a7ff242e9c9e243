// Design: messages on a stream (the control stream, request streams) are delimited by a 4-byte big-endian
// length before each MessagePack message. The length is checked against the receiver's limit before anything
// is allocated, and a stream that ends inside a frame is an error, while one that ends between frames is a
// clean end. A sans-IO TryReadFrame serves callers that hold their own buffers (pipelines, the QUIC stream
// binding); ReadFrameAsync / WriteFrameAsync serve plain Streams.
using System.Buffers;
using System.Buffers.Binary;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>Length-prefixed frames: a 4-byte big-endian length, then that many bytes.</summary>
public static class LengthPrefixedFraming
{
    /// <summary>The length of the prefix.</summary>
    public const int HeaderLength = 4;

    /// <summary>
    /// Takes one complete frame from the front of <paramref name="buffer"/> when it holds one, advancing the
    /// buffer past it. Returns false (and leaves the buffer alone) when more bytes are needed.
    /// </summary>
    /// <exception cref="FramingException">The announced length exceeds <paramref name="maxFrameLength"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameLength, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        buffer.Slice(0, HeaderLength).CopyTo(header);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxFrameLength)
        {
            throw new FramingException($"A frame announces {length} bytes; the limit is {maxFrameLength}.");
        }

        if (buffer.Length - HeaderLength < length)
        {
            return false;
        }

        frame = buffer.Slice(HeaderLength, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    /// <summary>Writes the length prefix of a <paramref name="length"/>-byte frame.</summary>
    public static void WriteHeader(IBufferWriter<byte> output, int length)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(HeaderLength), (uint)length);
        output.Advance(HeaderLength);
    }

    /// <summary>Writes one frame (prefix and payload) to <paramref name="stream"/> in a single write.</summary>
    public static async ValueTask WriteFrameAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(HeaderLength + payload.Length);
        try
        {
            BinaryPrimitives.WriteUInt32BigEndian(buffer, (uint)payload.Length);
            payload.Span.CopyTo(buffer.AsSpan(HeaderLength));
            await stream.WriteAsync(buffer.AsMemory(0, HeaderLength + payload.Length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads one frame from <paramref name="stream"/> into a new array; null when the stream ends cleanly before a frame.
    /// </summary>
    /// <exception cref="FramingException">The frame is over <paramref name="maxFrameLength"/>, or the stream ends inside it.</exception>
    public static async ValueTask<byte[]?> ReadFrameAsync(Stream stream, int maxFrameLength, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFrameLength);
        byte[] header = new byte[HeaderLength];
        int got = await ReadAtLeastAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (got == 0)
        {
            return null;
        }

        if (got < HeaderLength)
        {
            throw new FramingException($"The stream ended inside a frame header ({got} of {HeaderLength} bytes).");
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxFrameLength)
        {
            throw new FramingException($"A frame announces {length} bytes; the limit is {maxFrameLength}.");
        }

        byte[] frame = new byte[length];
        got = await ReadAtLeastAsync(stream, frame, cancellationToken).ConfigureAwait(false);
        if (got < length)
        {
            throw new FramingException($"The stream ended inside a frame ({got} of {length} bytes).");
        }

        return frame;
    }

    private static async ValueTask<int> ReadAtLeastAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken) =>
        buffer.Length == 0 ? 0 : await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
}
