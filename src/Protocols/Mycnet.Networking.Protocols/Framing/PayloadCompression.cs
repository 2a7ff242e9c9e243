// Design: payload compression with the BCL's codecs only. Brotli goes through the span-based BrotliEncoder /
// BrotliDecoder (no streams); DEFLATE has no span API in the BCL, so it runs DeflateStream over a stream that
// writes straight into the caller's IBufferWriter. Decompression is bounded: it stops and fails as soon as the
// output would pass the caller's limit, so a small "compression bomb" cannot make the receiver allocate more
// than it accepts as a message.
using System.Buffers;
using System.IO.Compression;
using Mycnet.Networking.Protocols.Nodes;

namespace Mycnet.Networking.Protocols.Framing;

/// <summary>Compresses and decompresses payloads with DEFLATE or Brotli (System.IO.Compression).</summary>
public static class PayloadCompression
{
    private const int BrotliWindow = 22;

    /// <summary>Compresses <paramref name="source"/> into <paramref name="destination"/> and returns the compressed length.</summary>
    /// <exception cref="ArgumentException">The algorithm is None or unknown.</exception>
    public static int Compress(CompressionAlgorithm algorithm, CompressionLevel level, ReadOnlySpan<byte> source, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        switch (algorithm)
        {
            case CompressionAlgorithm.Brotli:
            {
                int max = BrotliEncoder.GetMaxCompressedLength(source.Length);
                Span<byte> span = destination.GetSpan(max);
                if (!BrotliEncoder.TryCompress(source, span, out int written, BrotliQuality(level), BrotliWindow))
                {
                    throw new InvalidOperationException("Brotli could not compress into its own maximum compressed length.");
                }

                destination.Advance(written);
                return written;
            }

            case CompressionAlgorithm.Deflate:
            {
                var sink = new BufferWriterStream(destination);
                using (var deflate = new DeflateStream(sink, level, leaveOpen: true))
                {
                    deflate.Write(source);
                }

                return (int)sink.Length;
            }

            default:
                throw new ArgumentException($"Cannot compress with {algorithm}.", nameof(algorithm));
        }
    }

    /// <summary>Decompresses <paramref name="source"/>, failing once the output passes <paramref name="maxLength"/> bytes.</summary>
    /// <exception cref="EnvelopeException">The data is corrupt (<see cref="EnvelopeErrorCode.ProtocolViolation"/>) or decompresses past the limit (<see cref="EnvelopeErrorCode.PayloadTooLarge"/>).</exception>
    public static byte[] Decompress(CompressionAlgorithm algorithm, ReadOnlySequence<byte> source, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        return algorithm switch
        {
            CompressionAlgorithm.Brotli => DecompressBrotli(source, maxLength),
            CompressionAlgorithm.Deflate => DecompressDeflate(source, maxLength),
            _ => throw new ArgumentException($"Cannot decompress {algorithm}.", nameof(algorithm)),
        };
    }

    private static int BrotliQuality(CompressionLevel level) => level switch
    {
        CompressionLevel.NoCompression => 0,
        CompressionLevel.Fastest => 1,
        CompressionLevel.SmallestSize => 11,
        _ => 4, // Optimal: a balanced quality, as the BCL's BrotliStream picks
    };

    private static byte[] DecompressBrotli(ReadOnlySequence<byte> source, int maxLength)
    {
        using var decoder = new BrotliDecoder();
        var output = new ArrayBufferWriter<byte>(Math.Min(maxLength, Math.Max(256, (int)Math.Min(source.Length * 4, int.MaxValue))) + 1);
        OperationStatus status = OperationStatus.NeedMoreData;
        foreach (ReadOnlyMemory<byte> segment in source)
        {
            ReadOnlySpan<byte> input = segment.Span;
            do
            {
                Span<byte> target = output.GetSpan(4096);
                status = decoder.Decompress(input, target, out int consumed, out int written);
                input = input[consumed..];
                output.Advance(written);
                if (output.WrittenCount > maxLength)
                {
                    throw TooLarge(maxLength);
                }

                if (status == OperationStatus.InvalidData)
                {
                    throw Corrupt(CompressionAlgorithm.Brotli, null);
                }
            }
            while (status == OperationStatus.DestinationTooSmall || (status == OperationStatus.NeedMoreData && !input.IsEmpty));

            if (status == OperationStatus.Done && !input.IsEmpty)
            {
                throw Corrupt(CompressionAlgorithm.Brotli, null);
            }
        }

        if (status != OperationStatus.Done)
        {
            throw Corrupt(CompressionAlgorithm.Brotli, null);
        }

        return output.WrittenSpan.ToArray();
    }

    private static byte[] DecompressDeflate(ReadOnlySequence<byte> source, int maxLength)
    {
        byte[] input = source.IsSingleSegment ? [] : source.ToArray();
        using Stream compressed = source.IsSingleSegment ? new ReadOnlyMemoryStream(source.First) : new MemoryStream(input, writable: false);
        try
        {
            using var deflate = new DeflateStream(compressed, CompressionMode.Decompress);
            var output = new ArrayBufferWriter<byte>(Math.Min(maxLength + 1, Math.Max(256, (int)Math.Min(source.Length * 4, int.MaxValue))));
            while (true)
            {
                Span<byte> target = output.GetSpan(4096);
                int read = deflate.Read(target);
                if (read == 0)
                {
                    break;
                }

                output.Advance(read);
                if (output.WrittenCount > maxLength)
                {
                    throw TooLarge(maxLength);
                }
            }

            return output.WrittenSpan.ToArray();
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(CompressionAlgorithm.Deflate, ex);
        }
    }

    private static EnvelopeException TooLarge(int maxLength) =>
        new(EnvelopeErrorCode.PayloadTooLarge, $"The payload decompresses to more than the {maxLength}-byte limit.");

    private static EnvelopeException Corrupt(CompressionAlgorithm algorithm, Exception? inner) =>
        new(EnvelopeErrorCode.ProtocolViolation, $"The {algorithm} payload is corrupt or truncated.", inner);

    /// <summary>A write-only stream that appends to an IBufferWriter.</summary>
    private sealed class BufferWriterStream(IBufferWriter<byte> output) : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            buffer.CopyTo(output.GetSpan(buffer.Length));
            output.Advance(buffer.Length);
            _length += buffer.Length;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A read-only stream over memory, without copying it.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(Span<byte> buffer)
        {
            int count = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
