namespace Mycnet.Networking.Interop.Http3;

/// <summary>Limits and behaviour of one HTTP/3 endpoint; the defaults suit the interop runner.</summary>
internal sealed class H3Options
{
    /// <summary>SETTINGS_MAX_FIELD_SECTION_SIZE announced and enforced on decoded sections (RFC 9114 §4.2.2).</summary>
    public long MaxFieldSectionSize { get; init; } = 64 * 1024;

    /// <summary>The largest HEADERS frame payload (encoded field section) accepted.</summary>
    public int MaxHeadersFrameLength { get; init; } = 64 * 1024;

    /// <summary>The largest SETTINGS frame payload accepted on the control stream.</summary>
    public int MaxSettingsFrameLength { get; init; } = 16 * 1024;

    /// <summary>The most settings accepted in one SETTINGS frame.</summary>
    public int MaxSettings { get; init; } = 256;

    /// <summary>The most request content a server reads (and discards) from a request; more is H3_EXCESSIVE_LOAD.</summary>
    public long MaxRequestContentLength { get; init; } = 1024 * 1024;

    /// <summary>Size of the DATA frames a sender writes.</summary>
    public int DataFrameSize { get; init; } = 64 * 1024;

    /// <summary>Whether to send a reserved (GREASE) setting, as RFC 9114 §7.2.4.1 recommends.</summary>
    public bool SendGreaseSetting { get; init; } = true;

    /// <summary>Where diagnostics go (one line each); null discards them.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> for a setting out of range.</summary>
    public void Validate()
    {
        if (MaxFieldSectionSize is < 1024 or > 16 * 1024 * 1024)
        {
            throw Invalid("MaxFieldSectionSize must be 1 KiB to 16 MiB.", nameof(MaxFieldSectionSize));
        }

        if (MaxHeadersFrameLength is < 1024 or > 16 * 1024 * 1024)
        {
            throw Invalid("MaxHeadersFrameLength must be 1 KiB to 16 MiB.", nameof(MaxHeadersFrameLength));
        }

        if (MaxSettingsFrameLength is < 64 or > 1024 * 1024)
        {
            throw Invalid("MaxSettingsFrameLength must be 64 B to 1 MiB.", nameof(MaxSettingsFrameLength));
        }

        if (MaxSettings is < 8 or > 4096)
        {
            throw Invalid("MaxSettings must be 8 to 4096.", nameof(MaxSettings));
        }

        if (MaxRequestContentLength < 0)
        {
            throw Invalid("MaxRequestContentLength must not be negative.", nameof(MaxRequestContentLength));
        }

        if (DataFrameSize is < 1 or > 1024 * 1024)
        {
            throw Invalid("DataFrameSize must be 1 B to 1 MiB.", nameof(DataFrameSize));
        }
    }

    private static ArgumentException Invalid(string message, string property) => new(message, property);
}
