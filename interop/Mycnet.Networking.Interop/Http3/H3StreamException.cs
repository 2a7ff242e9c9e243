namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// A stream error (RFC 9114 §8): one request stream is aborted with <see cref="ErrorCode"/> (sent by
/// this endpoint) or was aborted by the peer (<see cref="IsRemote"/>); the connection carries on.
/// </summary>
internal sealed class H3StreamException : Exception
{
    public H3StreamException(H3ErrorCode errorCode, string message, bool isRemote = false)
        : base($"{H3ErrorCodes.Describe((long)errorCode)}: {message}")
    {
        ErrorCode = errorCode;
        IsRemote = isRemote;
    }

    public H3StreamException()
        : this(H3ErrorCode.GeneralProtocolError, "HTTP/3 stream error")
    {
    }

    public H3StreamException(string message)
        : this(H3ErrorCode.GeneralProtocolError, message)
    {
    }

    public H3StreamException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = H3ErrorCode.GeneralProtocolError;
    }

    public H3ErrorCode ErrorCode { get; }

    /// <summary>True when the peer reset the stream, false when this endpoint detected the error.</summary>
    public bool IsRemote { get; }
}
