namespace Mycnet.Networking.Interop.Http3;

/// <summary>One field line of a header or trailer section: a name (lowercase in HTTP/3) and a value, both Latin-1.</summary>
internal readonly record struct HttpField(string Name, string Value)
{
    /// <summary>The size this field counts toward SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 §4.2.2): name + value + 32.</summary>
    public long Size => (long)Name.Length + Value.Length + 32;

    public override string ToString() => $"{Name}: {Value}";
}
