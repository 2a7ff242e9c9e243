namespace Mycnet.Networking.Protocols.Framing;

/// <summary>
/// An envelope could not be read or accepted. <see cref="Code"/> says what to answer the peer with
/// (<see cref="EnvelopeErrorCode.ProtocolViolation"/> or <see cref="EnvelopeErrorCode.PayloadTooLarge"/>); a
/// decoding failure carries the <see cref="MessagePack.MessagePackException"/> as its inner exception.
/// </summary>
public sealed class EnvelopeException : Exception
{
    /// <summary>Creates an exception.</summary>
    public EnvelopeException()
        : this(EnvelopeErrorCode.ProtocolViolation, "Invalid envelope.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public EnvelopeException(string message)
        : this(EnvelopeErrorCode.ProtocolViolation, message)
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public EnvelopeException(string message, Exception innerException)
        : this(EnvelopeErrorCode.ProtocolViolation, message, innerException)
    {
    }

    /// <summary>Creates an exception with a code.</summary>
    public EnvelopeException(EnvelopeErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The error code to answer the peer with.</summary>
    public EnvelopeErrorCode Code { get; }
}
