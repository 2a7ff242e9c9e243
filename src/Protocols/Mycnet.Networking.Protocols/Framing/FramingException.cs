namespace Mycnet.Networking.Protocols.Framing;

/// <summary>A frame on a stream was too large, or the stream ended inside one.</summary>
public sealed class FramingException : Exception
{
    /// <summary>Creates an exception.</summary>
    public FramingException()
        : base("Invalid frame.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public FramingException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public FramingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
