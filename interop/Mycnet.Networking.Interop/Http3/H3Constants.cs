namespace Mycnet.Networking.Interop.Http3;

/// <summary>HTTP/3 frame types (RFC 9114 §7.2, §11.2.1).</summary>
internal static class H3FrameType
{
    public const ulong Data = 0x00;
    public const ulong Headers = 0x01;
    public const ulong CancelPush = 0x03;
    public const ulong Settings = 0x04;
    public const ulong PushPromise = 0x05;
    public const ulong GoAway = 0x07;
    public const ulong MaxPushId = 0x0d;

    /// <summary>HTTP/2 frame types with no HTTP/3 meaning (0x02, 0x06, 0x08, 0x09): receipt is H3_FRAME_UNEXPECTED (§7.2.8).</summary>
    public static bool IsReservedHttp2(ulong type) => type is 0x02 or 0x06 or 0x08 or 0x09;

    /// <summary>Reserved "GREASE" code points 0x1f * N + 0x21 (§7.2.8, §6.2.3, §7.2.4.1, §8.1).</summary>
    public static bool IsGrease(ulong value) => value >= 0x21 && (value - 0x21) % 0x1f == 0;
}

/// <summary>Unidirectional stream types (RFC 9114 §6.2, RFC 9204 §4.2).</summary>
internal static class H3StreamType
{
    public const ulong Control = 0x00;
    public const ulong Push = 0x01;
    public const ulong QpackEncoder = 0x02;
    public const ulong QpackDecoder = 0x03;
}

/// <summary>SETTINGS identifiers (RFC 9114 §7.2.4.1, RFC 9204 §5).</summary>
internal static class H3SettingId
{
    public const ulong QpackMaxTableCapacity = 0x01;
    public const ulong MaxFieldSectionSize = 0x06;
    public const ulong QpackBlockedStreams = 0x07;

    /// <summary>HTTP/2 settings reserved in HTTP/3 (0x00, 0x02-0x05): receipt is H3_SETTINGS_ERROR (§7.2.4.1).</summary>
    public static bool IsReservedHttp2(ulong id) => id is 0x00 or 0x02 or 0x03 or 0x04 or 0x05;
}

/// <summary>QUIC stream id properties (RFC 9000 §2.1).</summary>
internal static class QuicStreamIds
{
    public static bool IsBidirectional(long id) => (id & 0x2) == 0;

    public static bool IsClientInitiated(long id) => (id & 0x1) == 0;
}
