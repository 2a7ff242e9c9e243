namespace Mycnet.Networking.Interop.Http3;

/// <summary>HTTP/3 and QPACK application error codes (RFC 9114 §8.1, RFC 9204 §6).</summary>
internal enum H3ErrorCode : long
{
    NoError = 0x100,
    GeneralProtocolError = 0x101,
    InternalError = 0x102,
    StreamCreationError = 0x103,
    ClosedCriticalStream = 0x104,
    FrameUnexpected = 0x105,
    FrameError = 0x106,
    ExcessiveLoad = 0x107,
    IdError = 0x108,
    SettingsError = 0x109,
    MissingSettings = 0x10a,
    RequestRejected = 0x10b,
    RequestCancelled = 0x10c,
    RequestIncomplete = 0x10d,
    MessageError = 0x10e,
    ConnectError = 0x10f,
    VersionFallback = 0x110,
    QpackDecompressionFailed = 0x200,
    QpackEncoderStreamError = 0x201,
    QpackDecoderStreamError = 0x202,
}

/// <summary>Names for error codes, including codes this endpoint does not know (shown in hex).</summary>
internal static class H3ErrorCodes
{
    /// <summary>The RFC name of <paramref name="code"/> (H3_FRAME_ERROR, ...) or its hex value.</summary>
    public static string Describe(long code) => (H3ErrorCode)code switch
    {
        H3ErrorCode.NoError => "H3_NO_ERROR",
        H3ErrorCode.GeneralProtocolError => "H3_GENERAL_PROTOCOL_ERROR",
        H3ErrorCode.InternalError => "H3_INTERNAL_ERROR",
        H3ErrorCode.StreamCreationError => "H3_STREAM_CREATION_ERROR",
        H3ErrorCode.ClosedCriticalStream => "H3_CLOSED_CRITICAL_STREAM",
        H3ErrorCode.FrameUnexpected => "H3_FRAME_UNEXPECTED",
        H3ErrorCode.FrameError => "H3_FRAME_ERROR",
        H3ErrorCode.ExcessiveLoad => "H3_EXCESSIVE_LOAD",
        H3ErrorCode.IdError => "H3_ID_ERROR",
        H3ErrorCode.SettingsError => "H3_SETTINGS_ERROR",
        H3ErrorCode.MissingSettings => "H3_MISSING_SETTINGS",
        H3ErrorCode.RequestRejected => "H3_REQUEST_REJECTED",
        H3ErrorCode.RequestCancelled => "H3_REQUEST_CANCELLED",
        H3ErrorCode.RequestIncomplete => "H3_REQUEST_INCOMPLETE",
        H3ErrorCode.MessageError => "H3_MESSAGE_ERROR",
        H3ErrorCode.ConnectError => "H3_CONNECT_ERROR",
        H3ErrorCode.VersionFallback => "H3_VERSION_FALLBACK",
        H3ErrorCode.QpackDecompressionFailed => "QPACK_DECOMPRESSION_FAILED",
        H3ErrorCode.QpackEncoderStreamError => "QPACK_ENCODER_STREAM_ERROR",
        H3ErrorCode.QpackDecoderStreamError => "QPACK_DECODER_STREAM_ERROR",
        _ => "0x" + code.ToString("x", System.Globalization.CultureInfo.InvariantCulture),
    };
}
