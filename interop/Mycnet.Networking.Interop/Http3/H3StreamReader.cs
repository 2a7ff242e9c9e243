using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// Reads HTTP/3 structures from a stream's bytes: variable-length integers (stream types, push ids),
/// frame headers, whole small payloads, and large DATA payloads piece by piece without buffering them.
/// </summary>
/// <remarks>
/// A fixed buffer holds bytes read ahead; a read larger than what is buffered goes straight from the
/// stream into the caller's memory. End of stream at a frame boundary is a clean end (null); end of
/// stream inside a frame is H3_FRAME_ERROR (RFC 9114 §7.1). Payload sizes are checked against the
/// caller's limit before anything is allocated.
/// </remarks>
internal sealed class H3StreamReader
{
    private readonly Stream _stream;
    private readonly byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public H3StreamReader(Stream stream, int bufferSize = 16 * 1024)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, H3FrameHeader.MaxEncodedLength);
        _stream = stream;
        _buffer = new byte[bufferSize];
    }

    private int Buffered => _end - _start;

    /// <summary>
    /// Reads one variable-length integer; null when the stream ends before its first byte. Throws
    /// <see cref="H3ConnectionException"/> (H3_FRAME_ERROR) when it ends inside the integer.
    /// </summary>
    public async ValueTask<ulong?> ReadVarIntAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        int length = VarInt.GetLengthFromFirstByte(_buffer[_start]);
        if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
        {
            throw new H3ConnectionException(H3ErrorCode.FrameError, "stream ended inside a variable-length integer");
        }

        VarInt.TryRead(_buffer.AsSpan(_start, length), out ulong value, out _);
        _start += length;
        return value;
    }

    /// <summary>
    /// Reads a frame header; null at a clean end of stream. Throws H3_FRAME_ERROR when the stream
    /// ends inside the header.
    /// </summary>
    public async ValueTask<H3FrameHeader?> ReadFrameHeaderAsync(CancellationToken cancellationToken)
    {
        ulong? type = await ReadVarIntAsync(cancellationToken).ConfigureAwait(false);
        if (type is null)
        {
            return null;
        }

        ulong? length = await ReadVarIntAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new H3ConnectionException(H3ErrorCode.FrameError, $"stream ended inside the header of frame type 0x{type:x}");
        return new H3FrameHeader(type.Value, length.Value);
    }

    /// <summary>Reads exactly <paramref name="length"/> payload bytes into a new array; H3_FRAME_ERROR at end of stream.</summary>
    public async ValueTask<byte[]> ReadPayloadAsync(int length, CancellationToken cancellationToken)
    {
        byte[] payload = new byte[length];
        await ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }

    /// <summary>Fills <paramref name="destination"/> completely; H3_FRAME_ERROR when the stream ends first.</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (destination.Length > 0)
        {
            int read = await ReadSomeAsync(destination, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new H3ConnectionException(H3ErrorCode.FrameError, "stream ended inside a frame payload");
            }

            destination = destination[read..];
        }
    }

    /// <summary>
    /// Reads between 1 and <c>destination.Length</c> bytes (0 only at end of stream): buffered bytes
    /// first, otherwise straight from the stream.
    /// </summary>
    public async ValueTask<int> ReadSomeAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (destination.Length == 0)
        {
            return 0;
        }

        if (Buffered > 0)
        {
            int n = Math.Min(Buffered, destination.Length);
            _buffer.AsMemory(_start, n).CopyTo(destination);
            _start += n;
            return n;
        }

        if (_eof)
        {
            return 0;
        }

        int read = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            _eof = true;
        }

        return read;
    }

    /// <summary>Discards exactly <paramref name="length"/> bytes (an unknown frame's payload); H3_FRAME_ERROR at end of stream.</summary>
    public async ValueTask SkipAsync(ulong length, CancellationToken cancellationToken)
    {
        while (length > 0)
        {
            if (Buffered == 0 && !await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                throw new H3ConnectionException(H3ErrorCode.FrameError, "stream ended inside a frame payload");
            }

            int n = (int)Math.Min((ulong)Buffered, length);
            _start += n;
            length -= (ulong)n;
        }
    }

    /// <summary>Reads until the stream ends, discarding everything (a stream whose content has no meaning here).</summary>
    public async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        _start = _end = 0;
        while (!_eof)
        {
            if (await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false) == 0)
            {
                _eof = true;
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> bytes are buffered (true) or the stream ended first (false).</summary>
    public async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _buffer.Length);
        while (Buffered < count)
        {
            if (_eof)
            {
                return false;
            }

            if (_start > 0)
            {
                // Fewer than count (at most a frame header) bytes remain: move them to the front.
                int buffered = Buffered;
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, buffered);
                _end = buffered;
                _start = 0;
            }

            int read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _eof = true;
                return false;
            }

            _end += read;
        }

        return true;
    }

    /// <summary>The bytes buffered ahead (valid until the next call).</summary>
    public ReadOnlySpan<byte> BufferedSpan => _buffer.AsSpan(_start, Buffered);

    /// <summary>Marks <paramref name="count"/> buffered bytes consumed.</summary>
    public void Consume(int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Buffered);
        _start += count;
    }
}
