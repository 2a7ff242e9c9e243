using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Interop.Http3.Frames;

/// <summary>
/// The settings an endpoint announces in its SETTINGS frame (RFC 9114 §7.2.4) with the values this
/// implementation understands; unknown identifiers (including GREASE, §7.2.4.1) are ignored on receipt.
/// </summary>
internal sealed record H3Settings
{
    /// <summary>SETTINGS_QPACK_MAX_TABLE_CAPACITY (RFC 9204 §5); default 0.</summary>
    public ulong QpackMaxTableCapacity { get; init; }

    /// <summary>SETTINGS_QPACK_BLOCKED_STREAMS (RFC 9204 §5); default 0.</summary>
    public ulong QpackBlockedStreams { get; init; }

    /// <summary>SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §7.2.4.1); null = unlimited (the default).</summary>
    public ulong? MaxFieldSectionSize { get; init; }

    /// <summary>A GREASE setting (identifier, value) to send so peers exercise ignoring unknown settings; null sends none.</summary>
    public (ulong Id, ulong Value)? Grease { get; init; }

    /// <summary>How many settings with identifiers this implementation does not know were received.</summary>
    public int UnknownCount { get; init; }

    /// <summary>The SETTINGS payload length <see cref="WritePayload"/> produces.</summary>
    public int GetPayloadLength()
    {
        int length = Pair(H3SettingId.QpackMaxTableCapacity, QpackMaxTableCapacity) + Pair(H3SettingId.QpackBlockedStreams, QpackBlockedStreams);
        if (MaxFieldSectionSize is { } max)
        {
            length += Pair(H3SettingId.MaxFieldSectionSize, max);
        }

        if (Grease is { } grease)
        {
            length += Pair(grease.Id, grease.Value);
        }

        return length;

        static int Pair(ulong id, ulong value) => VarInt.GetLength(id) + VarInt.GetLength(value);
    }

    /// <summary>Writes the whole frame (header and payload); returns the bytes written.</summary>
    public int WriteFrame(Span<byte> destination)
    {
        int payload = GetPayloadLength();
        int p = new H3FrameHeader(H3FrameType.Settings, (ulong)payload).Write(destination);
        return p + WritePayload(destination[p..]);
    }

    /// <summary>The length of the whole frame <see cref="WriteFrame"/> writes.</summary>
    public int GetFrameLength()
    {
        int payload = GetPayloadLength();
        return new H3FrameHeader(H3FrameType.Settings, (ulong)payload).EncodedLength + payload;
    }

    /// <summary>Writes the SETTINGS payload (identifier/value pairs) into <paramref name="destination"/>.</summary>
    public int WritePayload(Span<byte> destination)
    {
        var writer = new WireWriter(destination);
        writer.WriteVarInt(H3SettingId.QpackMaxTableCapacity);
        writer.WriteVarInt(QpackMaxTableCapacity);
        writer.WriteVarInt(H3SettingId.QpackBlockedStreams);
        writer.WriteVarInt(QpackBlockedStreams);
        if (MaxFieldSectionSize is { } max)
        {
            writer.WriteVarInt(H3SettingId.MaxFieldSectionSize);
            writer.WriteVarInt(max);
        }

        if (Grease is { } grease)
        {
            writer.WriteVarInt(grease.Id);
            writer.WriteVarInt(grease.Value);
        }

        return writer.Position;
    }

    /// <summary>
    /// Parses a SETTINGS payload. A truncated pair is <see cref="H3SettingsParseStatus.FrameError"/>
    /// (H3_FRAME_ERROR, §7.1); a repeated identifier or an HTTP/2-only identifier is
    /// <see cref="H3SettingsParseStatus.SettingsError"/> (H3_SETTINGS_ERROR, §7.2.4, §7.2.4.1).
    /// At most <paramref name="maxSettings"/> pairs are accepted, so duplicate detection stays cheap.
    /// </summary>
    public static H3SettingsParseStatus TryParse(ReadOnlySpan<byte> payload, int maxSettings, out H3Settings settings, out string? error)
    {
        settings = new H3Settings();
        var reader = new WireReader(payload);
        var seen = new HashSet<ulong>();
        ulong capacity = 0;
        ulong blocked = 0;
        ulong? maxFieldSection = null;
        int unknown = 0;
        while (!reader.IsEnd)
        {
            if (!reader.TryReadVarInt(out ulong id) || !reader.TryReadVarInt(out ulong value))
            {
                error = "SETTINGS payload ends inside a setting";
                return H3SettingsParseStatus.FrameError;
            }

            if (H3SettingId.IsReservedHttp2(id))
            {
                error = $"SETTINGS carries the HTTP/2 setting 0x{id:x}";
                return H3SettingsParseStatus.SettingsError;
            }

            if (!seen.Add(id))
            {
                error = $"SETTINGS repeats identifier 0x{id:x}";
                return H3SettingsParseStatus.SettingsError;
            }

            if (seen.Count > maxSettings)
            {
                error = $"SETTINGS carries more than {maxSettings} settings";
                return H3SettingsParseStatus.TooMany;
            }

            switch (id)
            {
                case H3SettingId.QpackMaxTableCapacity:
                    capacity = value;
                    break;
                case H3SettingId.QpackBlockedStreams:
                    blocked = value;
                    break;
                case H3SettingId.MaxFieldSectionSize:
                    maxFieldSection = value;
                    break;
                default:
                    unknown++;
                    break;
            }
        }

        settings = new H3Settings
        {
            QpackMaxTableCapacity = capacity,
            QpackBlockedStreams = blocked,
            MaxFieldSectionSize = maxFieldSection,
            UnknownCount = unknown,
        };
        error = null;
        return H3SettingsParseStatus.Ok;
    }
}

/// <summary>The outcome of <see cref="H3Settings.TryParse"/>.</summary>
internal enum H3SettingsParseStatus
{
    Ok,

    /// <summary>Layout error: H3_FRAME_ERROR.</summary>
    FrameError,

    /// <summary>Invalid content: H3_SETTINGS_ERROR.</summary>
    SettingsError,

    /// <summary>More settings than this endpoint accepts: H3_EXCESSIVE_LOAD.</summary>
    TooMany,
}
