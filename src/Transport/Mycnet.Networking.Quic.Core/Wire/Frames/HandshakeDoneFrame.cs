namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>HANDSHAKE_DONE (RFC 9000 §19.20): type only; sent by the server to confirm the handshake.</summary>
internal readonly struct HandshakeDoneFrame : IQuicFrame<HandshakeDoneFrame>
{
    /// <summary>The encoded length: the type byte.</summary>
    public const int EncodedLength = 1;

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out HandshakeDoneFrame frame)
    {
        frame = default;
        return frameType == FrameType.HandshakeDone;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => EncodedLength;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer) => writer.WriteByte((byte)FrameType.HandshakeDone);
}
