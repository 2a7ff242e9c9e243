namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>PING (RFC 9000 §19.2): type only; makes a packet ack-eliciting.</summary>
internal readonly struct PingFrame : IQuicFrame<PingFrame>
{
    /// <summary>The encoded length: the type byte.</summary>
    public const int EncodedLength = 1;

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out PingFrame frame)
    {
        frame = default;
        return frameType == FrameType.Ping;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => EncodedLength;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer) => writer.WriteByte((byte)FrameType.Ping);
}
