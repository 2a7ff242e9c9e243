using System.Buffers;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Qpack;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// Writes one HTTP message onto a stream (RFC 9114 §4.1): a HEADERS frame with a QPACK-encoded field
/// section, then content as DATA frames of at most <see cref="H3Options.DataFrameSize"/> bytes, each
/// written with its frame header in a single write.
/// </summary>
internal sealed class H3MessageWriter
{
    private readonly Stream _stream;
    private readonly H3Options _options;

    public H3MessageWriter(Stream stream, H3Options options)
    {
        _stream = stream;
        _options = options;
    }

    /// <summary>
    /// Writes a HEADERS frame carrying <paramref name="fields"/>. Fails with
    /// <see cref="InvalidOperationException"/> when the section exceeds the peer's
    /// SETTINGS_MAX_FIELD_SECTION_SIZE (<paramref name="peerMaxFieldSectionSize"/>, null = unlimited; §4.2.2).
    /// </summary>
    public async ValueTask WriteHeadersAsync(IReadOnlyList<HttpField> fields, ulong? peerMaxFieldSectionSize, CancellationToken cancellationToken)
    {
        long size = 0;
        foreach (HttpField field in fields)
        {
            size += field.Size;
        }

        if (peerMaxFieldSectionSize is { } max && (ulong)size > max)
        {
            throw new InvalidOperationException($"The field section ({size} bytes) exceeds the peer's SETTINGS_MAX_FIELD_SECTION_SIZE ({max}).");
        }

        byte[] section = QpackEncoder.Encode(fields);
        var header = new H3FrameHeader(H3FrameType.Headers, (ulong)section.Length);
        byte[] frame = new byte[header.EncodedLength + section.Length];
        int p = header.Write(frame);
        section.CopyTo(frame, p);
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies <paramref name="length"/> bytes of <paramref name="content"/> as DATA frames; fails if the content is shorter.</summary>
    public async ValueTask WriteContentAsync(Stream content, long length, CancellationToken cancellationToken)
    {
        int frameSize = _options.DataFrameSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(H3FrameHeader.MaxEncodedLength + frameSize);
        try
        {
            long remaining = length;
            while (remaining > 0)
            {
                int chunk = (int)Math.Min(frameSize, remaining);
                Memory<byte> payload = buffer.AsMemory(H3FrameHeader.MaxEncodedLength, chunk);
                await content.ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false);

                // Place the frame header right before the payload so header and payload go out in one write.
                var header = new H3FrameHeader(H3FrameType.Data, (ulong)chunk);
                int start = H3FrameHeader.MaxEncodedLength - header.EncodedLength;
                header.Write(buffer.AsSpan(start));
                await _stream.WriteAsync(buffer.AsMemory(start, header.EncodedLength + chunk), cancellationToken).ConfigureAwait(false);
                remaining -= chunk;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="content"/> as one DATA frame.</summary>
    public async ValueTask WriteContentAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var header = new H3FrameHeader(H3FrameType.Data, (ulong)content.Length);
        byte[] frame = new byte[header.EncodedLength + content.Length];
        int p = header.Write(frame);
        content.CopyTo(frame.AsMemory(p));
        await _stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
    }
}
