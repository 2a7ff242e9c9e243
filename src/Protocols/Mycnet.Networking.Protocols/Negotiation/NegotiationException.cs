namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>Negotiation failed, here or at the peer (<see cref="IsRemote"/>).</summary>
public sealed class NegotiationException : Exception
{
    /// <summary>Creates an exception.</summary>
    public NegotiationException()
        : this(NegotiationErrorCode.MalformedMessage, "Negotiation failed.", isRemote: false)
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public NegotiationException(string message)
        : this(NegotiationErrorCode.MalformedMessage, message, isRemote: false)
    {
    }

    /// <summary>Creates an exception with a message and inner exception.</summary>
    public NegotiationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = NegotiationErrorCode.MalformedMessage;
        Reason = message;
    }

    /// <summary>Creates an exception for a failure.</summary>
    public NegotiationException(NegotiationErrorCode code, string reason, bool isRemote, Exception? innerException = null)
        : base($"Negotiation failed ({code}{(isRemote ? ", reported by the peer" : string.Empty)}): {reason}", innerException)
    {
        Code = code;
        Reason = reason;
        IsRemote = isRemote;
    }

    /// <summary>The error code.</summary>
    public NegotiationErrorCode Code { get; }

    /// <summary>The human-readable reason.</summary>
    public string Reason { get; }

    /// <summary>Whether the peer rejected (true) or this node did (false).</summary>
    public bool IsRemote { get; }
}
