namespace Mycnet.Networking.Protocols.MessagePack;

/// <summary>Why a MessagePack input was rejected.</summary>
public enum MessagePackError
{
    /// <summary>The input ends inside a value.</summary>
    Truncated = 1,

    /// <summary>The input is not valid MessagePack (a reserved format byte, invalid UTF-8, a bad timestamp, trailing bytes).</summary>
    Malformed = 2,

    /// <summary>A length, count or nesting depth exceeds the reader's limits.</summary>
    LimitExceeded = 3,

    /// <summary>The next value is not of the type the caller asked for.</summary>
    TypeMismatch = 4,

    /// <summary>The value does not fit the requested .NET type (e.g. 300 read as a byte).</summary>
    Overflow = 5,
}

/// <summary>
/// Thrown when MessagePack input is truncated, malformed, over a limit, or not of the expected type. The
/// <see cref="Offset"/> is the byte offset, from the start of the reader's input, of the value that failed.
/// </summary>
public sealed class MessagePackException : Exception
{
    /// <summary>Creates an exception.</summary>
    public MessagePackException()
        : this(MessagePackError.Malformed, -1, "Invalid MessagePack input.")
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public MessagePackException(string message)
        : this(MessagePackError.Malformed, -1, message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public MessagePackException(string message, Exception innerException)
        : base(message, innerException)
    {
        Error = MessagePackError.Malformed;
        Offset = -1;
    }

    /// <summary>Creates an exception for an error at an offset.</summary>
    public MessagePackException(MessagePackError error, long offset, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
        Offset = offset;
    }

    /// <summary>What was wrong with the input.</summary>
    public MessagePackError Error { get; }

    /// <summary>The byte offset of the failing value from the start of the input, or −1 when unknown.</summary>
    public long Offset { get; }
}
