namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// The contract every frame type implements (one type per file, quic-go style): parse after the caller
/// has consumed the frame type, compute the encoded length, write. It is a compile-time contract
/// (static abstract members, <c>allows ref struct</c>): generic code such as the frame tests and fuzzers
/// call it through constrained generics, so nothing is boxed.
/// </summary>
/// <typeparam name="TSelf">The frame type.</typeparam>
internal interface IQuicFrame<TSelf>
    where TSelf : IQuicFrame<TSelf>, allows ref struct
{
    /// <summary>
    /// Parses the frame body. The frame type has already been read by the caller (it carries flag bits)
    /// and is passed in. Returns false on truncation or on an encoding the RFC calls FRAME_ENCODING_ERROR;
    /// never throws and never allocates. On failure the reader position is unspecified.
    /// </summary>
    static abstract bool TryParse(ref WireReader reader, ulong frameType, out TSelf frame);

    /// <summary>The number of bytes <see cref="Write"/> produces, including the frame type.</summary>
    int GetEncodedLength();

    /// <summary>Writes the frame, including its type.</summary>
    void Write(ref WireWriter writer);
}
