namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Raised inside the core when the peer violates the protocol. The connection catches it at its
/// input boundary and closes with <see cref="ErrorCode"/> (RFC 9000 §10.2); it never reaches a caller.
/// </summary>
internal sealed class QuicProtocolException : Exception
{
    public QuicProtocolException(TransportErrorCode errorCode, string reason, ulong frameType = 0)
        : base(reason)
    {
        ErrorCode = errorCode;
        FrameType = frameType;
    }

    public QuicProtocolException()
        : this(TransportErrorCode.ProtocolViolation, "Protocol violation.")
    {
    }

    public QuicProtocolException(string message)
        : this(TransportErrorCode.ProtocolViolation, message)
    {
    }

    public QuicProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = TransportErrorCode.ProtocolViolation;
    }

    /// <summary>The transport error code to close with.</summary>
    public TransportErrorCode ErrorCode { get; }

    /// <summary>The type of the frame that triggered the error, or 0.</summary>
    public ulong FrameType { get; }
}
