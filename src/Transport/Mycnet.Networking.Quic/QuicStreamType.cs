namespace Mycnet.Networking.Quic;

/// <summary>The kind of a stream (RFC 9000 §2.1).</summary>
public enum QuicStreamType
{
    /// <summary>Only the side that opened the stream sends on it.</summary>
    Unidirectional,

    /// <summary>Both sides send and receive.</summary>
    Bidirectional,
}
