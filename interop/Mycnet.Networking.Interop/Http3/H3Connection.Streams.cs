using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Qpack;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>The peer's unidirectional streams: control (RFC 9114 §6.2.1), push (§6.2.2), QPACK (RFC 9204 §4.2), unknown.</summary>
internal sealed partial class H3Connection
{
    private bool _peerControlSeen;
    private bool _peerEncoderSeen;
    private bool _peerDecoderSeen;
    private ulong? _goAwayReceived;
    private ulong? _peerMaxPushId;
    private readonly TaskCompletionSource<ulong> _firstGoAway = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the id of the first GOAWAY the peer sends (never faults).</summary>
    public Task<ulong> FirstGoAway => _firstGoAway.Task;

    /// <summary>The id in the last GOAWAY the peer sent, or null (§5.2).</summary>
    public ulong? GoAwayReceived
    {
        get
        {
            lock (_gate)
            {
                return _goAwayReceived;
            }
        }
    }

    private async Task RunUnidirectionalAsync(IH3Stream stream, CancellationToken token)
    {
        await using (stream.ConfigureAwait(false))
        {
            var reader = new H3StreamReader(stream.Stream, 4096);

            // §6.2: a stream closed or reset before its type arrives is tolerated.
            ulong? type = await ReadVarIntOrEndAsync(reader, token).ConfigureAwait(false);
            if (type is null)
            {
                return;
            }

            switch (type.Value)
            {
                case H3StreamType.Control:
                    ClaimCriticalStream(ref _peerControlSeen, "control");
                    await RunCriticalAsync(stream, "control", () => RunControlStreamAsync(reader, token)).ConfigureAwait(false);
                    break;
                case H3StreamType.QpackEncoder:
                    ClaimCriticalStream(ref _peerEncoderSeen, "QPACK encoder");
                    await RunCriticalAsync(stream, "QPACK encoder", () => QpackInstructionStreams.RunPeerEncoderStreamAsync(reader, token)).ConfigureAwait(false);
                    break;
                case H3StreamType.QpackDecoder:
                    ClaimCriticalStream(ref _peerDecoderSeen, "QPACK decoder");
                    await RunCriticalAsync(stream, "QPACK decoder", () => QpackInstructionStreams.RunPeerDecoderStreamAsync(reader, token)).ConfigureAwait(false);
                    break;
                case H3StreamType.Push:
                    await HandlePushStreamAsync(reader, token).ConfigureAwait(false);
                    break;
                default:
                    // §6.2: unknown (and reserved) stream types are not an error; stop reading them.
                    Log($"ignoring unidirectional stream {stream.Id} of unknown type 0x{type.Value:x}");
                    stream.AbortRead((long)H3ErrorCode.StreamCreationError);
                    break;
            }
        }
    }

    private async Task HandlePushStreamAsync(H3StreamReader reader, CancellationToken token)
    {
        // §6.2.2: only servers push.
        if (!IsClient)
        {
            throw new H3ConnectionException(H3ErrorCode.StreamCreationError, "the client opened a push stream");
        }

        ulong? pushId = await ReadVarIntOrEndAsync(reader, token).ConfigureAwait(false);
        if (pushId is null)
        {
            return;
        }

        // §4.6: this client never sends MAX_PUSH_ID, so every push id exceeds the limit.
        throw new H3ConnectionException(H3ErrorCode.IdError, $"push stream for push id {pushId}, but this client never allowed a push (no MAX_PUSH_ID)");
    }

    private void ClaimCriticalStream(ref bool seen, string what)
    {
        lock (_gate)
        {
            if (seen)
            {
                // §6.2.1, RFC 9204 §4.2: at most one of each per peer.
                throw new H3ConnectionException(H3ErrorCode.StreamCreationError, $"the peer opened a second {what} stream");
            }

            seen = true;
        }
    }

    /// <summary>Runs a critical stream: its end (FIN) or reset is H3_CLOSED_CRITICAL_STREAM (§6.2.1, RFC 9204 §4.2).</summary>
    private static async Task RunCriticalAsync(IH3Stream stream, string what, Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (Exception e) when (stream.GetResetErrorCode(e) is long code)
        {
            throw new H3ConnectionException(H3ErrorCode.ClosedCriticalStream, $"the peer reset its {what} stream ({H3ErrorCodes.Describe(code)})");
        }

        throw new H3ConnectionException(H3ErrorCode.ClosedCriticalStream, $"the peer closed its {what} stream");
    }

    private async Task RunControlStreamAsync(H3StreamReader reader, CancellationToken token)
    {
        bool first = true;
        while (true)
        {
            H3FrameHeader? read = await reader.ReadFrameHeaderAsync(token).ConfigureAwait(false);
            if (read is not { } header)
            {
                return;
            }

            if (first)
            {
                // §6.2.1: SETTINGS must be the first frame.
                if (header.Type != H3FrameType.Settings)
                {
                    throw new H3ConnectionException(H3ErrorCode.MissingSettings, $"the control stream starts with frame type 0x{header.Type:x}, not SETTINGS");
                }

                await ReceiveSettingsAsync(reader, header, token).ConfigureAwait(false);
                first = false;
                continue;
            }

            switch (header.Type)
            {
                case H3FrameType.Settings:
                    throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "a second SETTINGS frame on the control stream");
                case H3FrameType.Data:
                case H3FrameType.Headers:
                case H3FrameType.PushPromise:
                    throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, $"frame type 0x{header.Type:x} on the control stream");
                case H3FrameType.GoAway:
                    HandleGoAway(await ReadIdFrameAsync(reader, header, "GOAWAY", token).ConfigureAwait(false));
                    break;
                case H3FrameType.MaxPushId:
                    ulong maxPushId = await ReadIdFrameAsync(reader, header, "MAX_PUSH_ID", token).ConfigureAwait(false);
                    HandleMaxPushId(maxPushId);
                    break;
                case H3FrameType.CancelPush:
                    ulong pushId = await ReadIdFrameAsync(reader, header, "CANCEL_PUSH", token).ConfigureAwait(false);

                    // §7.2.3: no push was ever promised (a server) or allowed (a client) here.
                    throw new H3ConnectionException(H3ErrorCode.IdError, $"CANCEL_PUSH for push id {pushId}, which was never promised");
                default:
                    if (H3FrameType.IsReservedHttp2(header.Type))
                    {
                        throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, $"HTTP/2 frame type 0x{header.Type:x} on the control stream");
                    }

                    // §9: unknown and reserved frame types are skipped.
                    await reader.SkipAsync(header.Length, token).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task ReceiveSettingsAsync(H3StreamReader reader, H3FrameHeader header, CancellationToken token)
    {
        if (header.Length > (ulong)_options.MaxSettingsFrameLength)
        {
            throw new H3ConnectionException(H3ErrorCode.ExcessiveLoad, $"SETTINGS frame of {header.Length} bytes exceeds {_options.MaxSettingsFrameLength}");
        }

        byte[] payload = await reader.ReadPayloadAsync((int)header.Length, token).ConfigureAwait(false);
        H3SettingsParseStatus status = H3Settings.TryParse(payload, _options.MaxSettings, out H3Settings settings, out string? error);
        switch (status)
        {
            case H3SettingsParseStatus.Ok:
                Log($"peer SETTINGS: qpack_max_table_capacity={settings.QpackMaxTableCapacity} qpack_blocked_streams={settings.QpackBlockedStreams} max_field_section_size={settings.MaxFieldSectionSize?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited"} unknown={settings.UnknownCount}");
                _peerSettings.TrySetResult(settings);
                break;
            case H3SettingsParseStatus.FrameError:
                throw new H3ConnectionException(H3ErrorCode.FrameError, error!);
            case H3SettingsParseStatus.TooMany:
                throw new H3ConnectionException(H3ErrorCode.ExcessiveLoad, error!);
            default:
                throw new H3ConnectionException(H3ErrorCode.SettingsError, error!);
        }
    }

    private static async Task<ulong> ReadIdFrameAsync(H3StreamReader reader, H3FrameHeader header, string name, CancellationToken token)
    {
        if (header.Length is 0 or > H3IdFrame.MaxPayloadLength)
        {
            throw new H3ConnectionException(H3ErrorCode.FrameError, $"{name} frame with a {header.Length}-byte payload");
        }

        byte[] payload = await reader.ReadPayloadAsync((int)header.Length, token).ConfigureAwait(false);
        if (!H3IdFrame.TryParsePayload(payload, out ulong id))
        {
            throw new H3ConnectionException(H3ErrorCode.FrameError, $"{name} payload is not exactly one variable-length integer");
        }

        return id;
    }

    private void HandleGoAway(ulong id)
    {
        lock (_gate)
        {
            // §7.2.6: from a server, the id of a client-initiated bidirectional stream.
            if (IsClient && (id & 0x3) != 0)
            {
                throw new H3ConnectionException(H3ErrorCode.IdError, $"GOAWAY carries stream id {id}, which is not a client-initiated bidirectional stream");
            }

            // §5.2: the id must not increase.
            if (_goAwayReceived is { } previous && id > previous)
            {
                throw new H3ConnectionException(H3ErrorCode.IdError, $"GOAWAY id rose from {previous} to {id}");
            }

            _goAwayReceived = id;
        }

        _firstGoAway.TrySetResult(id);
        Log($"peer sent GOAWAY {id}");
    }

    private void HandleMaxPushId(ulong id)
    {
        if (IsClient)
        {
            throw new H3ConnectionException(H3ErrorCode.FrameUnexpected, "the server sent MAX_PUSH_ID");
        }

        lock (_gate)
        {
            // §7.2.7: MAX_PUSH_ID cannot be reduced. This server never pushes; it only checks.
            if (_peerMaxPushId is { } previous && id < previous)
            {
                throw new H3ConnectionException(H3ErrorCode.IdError, $"MAX_PUSH_ID fell from {previous} to {id}");
            }

            _peerMaxPushId = id;
        }
    }

    /// <summary>Reads a varint; null when the stream ends (or ends inside it): tolerated before a stream type (§6.2).</summary>
    private static async Task<ulong?> ReadVarIntOrEndAsync(H3StreamReader reader, CancellationToken token)
    {
        try
        {
            return await reader.ReadVarIntAsync(token).ConfigureAwait(false);
        }
        catch (H3ConnectionException e) when (e.ErrorCode == H3ErrorCode.FrameError)
        {
            return null;
        }
    }
}
