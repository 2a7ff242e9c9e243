namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// A connection error (RFC 9114 §8): the whole HTTP/3 connection must close with <see cref="ErrorCode"/>.
/// Thrown by the parsing code where the violation is found; <see cref="H3Connection"/> catches it and
/// closes the QUIC connection with the code.
/// </summary>
internal sealed class H3ConnectionException : Exception
{
    public H3ConnectionException(H3ErrorCode errorCode, string message)
        : base($"{H3ErrorCodes.Describe((long)errorCode)}: {message}")
    {
        ErrorCode = errorCode;
    }

    public H3ConnectionException()
        : this(H3ErrorCode.GeneralProtocolError, "HTTP/3 connection error")
    {
    }

    public H3ConnectionException(string message)
        : this(H3ErrorCode.GeneralProtocolError, message)
    {
    }

    public H3ConnectionException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = H3ErrorCode.GeneralProtocolError;
    }

    public H3ErrorCode ErrorCode { get; }
}
