using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Qpack;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// Reads one HTTP message from a request stream (RFC 9114 §4.1): header section(s) in HEADERS frames,
/// content in DATA frames, an optional trailer section, with unknown frame types skipped (§9).
/// </summary>
/// <remarks>
/// Frame-order violations are connection errors (§4.1: H3_FRAME_UNEXPECTED): DATA before HEADERS,
/// anything after the trailers, and control-stream frames on a request stream (§7.2.4, §7.2.6, §7.2.7,
/// §7.2.3). A PUSH_PROMISE is H3_FRAME_UNEXPECTED at a server and, at a client that never sent
/// MAX_PUSH_ID, H3_ID_ERROR (§7.2.5). QPACK failures are QPACK_DECOMPRESSION_FAILED (a connection
/// error, RFC 9204 §2.2.3); an oversized or undecodable-size section is a stream error
/// (H3_EXCESSIVE_LOAD), as is a malformed trailer section (H3_MESSAGE_ERROR).
/// </remarks>
internal sealed class H3MessageReader
{
    private readonly H3StreamReader _reader;
    private readonly H3Options _options;
    private readonly bool _atClient;
    private ulong _dataRemaining;
    private bool _headersSeen;
    private bool _trailersSeen;
    private bool _ended;

    public H3MessageReader(Stream stream, H3Options options, bool atClient)
    {
        _reader = new H3StreamReader(stream);
        _options = options;
        _atClient = atClient;
    }

    /// <summary>The trailer section, if one arrived.</summary>
    public IReadOnlyList<HttpField>? Trailers { get; private set; }

    /// <summary>
    /// Reads the next header section (the request's, or one response: interim ones first, then the
    /// final one); null when the stream ends before a HEADERS frame. Call before <see cref="ReadContentAsync"/>.
    /// </summary>
    public async ValueTask<List<HttpField>?> ReadHeaderSectionAsync(CancellationToken cancellationToken)
    {
        if (_headersSeen && _dataRemaining > 0)
        {
            throw new InvalidOperationException("Content is being read; a header section cannot come now.");
        }

        while (true)
        {
            H3FrameHeader? read = await _reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (read is not { } header)
            {
                _ended = true;
                return null;
            }

            if (header.Type == H3FrameType.Headers)
            {
                _headersSeen = true;
                return await ReadFieldSectionAsync(header, cancellationToken).ConfigureAwait(false);
            }

            if (header.Type == H3FrameType.Data)
            {
                throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "DATA frame before any HEADERS frame");
            }

            await SkipOrRejectAsync(header, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads content bytes into <paramref name="destination"/>: 1 or more, or 0 once the stream ended
    /// (after any trailer section, which lands in <see cref="Trailers"/>).
    /// </summary>
    public async ValueTask<int> ReadContentAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (!_headersSeen)
        {
            throw new InvalidOperationException("Read the header section first.");
        }

        while (true)
        {
            if (_dataRemaining > 0)
            {
                int want = (int)Math.Min((ulong)destination.Length, _dataRemaining);
                int read = await _reader.ReadSomeAsync(destination[..want], cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new H3ConnectionException(H3ErrorCode.FrameError, "stream ended inside a DATA frame");
                }

                _dataRemaining -= (ulong)read;
                return read;
            }

            if (_ended)
            {
                return 0;
            }

            H3FrameHeader? next = await _reader.ReadFrameHeaderAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } header)
            {
                _ended = true;
                return 0;
            }

            switch (header.Type)
            {
                case H3FrameType.Data:
                    if (_trailersSeen)
                    {
                        throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "DATA frame after the trailer section");
                    }

                    _dataRemaining = header.Length;
                    break;
                case H3FrameType.Headers:
                    if (_trailersSeen)
                    {
                        throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "HEADERS frame after the trailer section");
                    }

                    List<HttpField> trailers = await ReadFieldSectionAsync(header, cancellationToken).ConfigureAwait(false);
                    if (H3MessageValidator.ValidateTrailers(trailers) is { } invalid)
                    {
                        throw new H3StreamException(H3ErrorCode.MessageError, invalid);
                    }

                    _trailersSeen = true;
                    Trailers = trailers;
                    break;
                default:
                    await SkipOrRejectAsync(header, cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async ValueTask<List<HttpField>> ReadFieldSectionAsync(H3FrameHeader header, CancellationToken cancellationToken)
    {
        if (header.Length > (ulong)_options.MaxHeadersFrameLength)
        {
            throw new H3StreamException(H3ErrorCode.ExcessiveLoad, $"HEADERS frame of {header.Length} bytes exceeds {_options.MaxHeadersFrameLength}");
        }

        byte[] payload = await _reader.ReadPayloadAsync((int)header.Length, cancellationToken).ConfigureAwait(false);
        var fields = new List<HttpField>();
        switch (QpackDecoder.Decode(payload, _options.MaxFieldSectionSize, fields, out string? error))
        {
            case QpackDecodeStatus.Ok:
                return fields;
            case QpackDecodeStatus.TooLarge:
                throw new H3StreamException(H3ErrorCode.ExcessiveLoad, error!);
            default:
                throw new H3ConnectionException(H3ErrorCode.QpackDecompressionFailed, error!);
        }
    }

    private async ValueTask SkipOrRejectAsync(H3FrameHeader header, CancellationToken cancellationToken)
    {
        switch (header.Type)
        {
            case H3FrameType.PushPromise when _atClient:
                throw new H3ConnectionException(H3ErrorCode.IdError, "PUSH_PROMISE, but this client never allowed a push (no MAX_PUSH_ID)");
            case H3FrameType.PushPromise:
                throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "PUSH_PROMISE from a client");
            case H3FrameType.Settings:
            case H3FrameType.GoAway:
            case H3FrameType.MaxPushId:
            case H3FrameType.CancelPush:
                throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, $"control frame type 0x{header.Type:x} on a request stream");
            default:
                if (H3FrameType.IsReservedHttp2(header.Type))
                {
                    throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, $"HTTP/2 frame type 0x{header.Type:x} on a request stream");
                }

                await _reader.SkipAsync(header.Length, cancellationToken).ConfigureAwait(false);
                break;
        }
    }
}
