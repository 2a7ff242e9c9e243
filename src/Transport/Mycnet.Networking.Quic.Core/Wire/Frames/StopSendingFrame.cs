namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>STOP_SENDING (RFC 9000 §19.5): asks the peer to stop sending on a stream.</summary>
internal readonly struct StopSendingFrame : IQuicFrame<StopSendingFrame>
{
    public StopSendingFrame(ulong streamId, ulong applicationErrorCode)
    {
        StreamId = streamId;
        ApplicationErrorCode = applicationErrorCode;
    }

    public ulong StreamId { get; }

    public ulong ApplicationErrorCode { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out StopSendingFrame frame)
    {
        if (frameType == FrameType.StopSending
            && reader.TryReadVarInt(out ulong streamId)
            && reader.TryReadVarInt(out ulong errorCode))
        {
            frame = new StopSendingFrame(streamId, errorCode);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength(StreamId) + VarInt.GetLength(ApplicationErrorCode);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.StopSending);
        writer.WriteVarInt(StreamId);
        writer.WriteVarInt(ApplicationErrorCode);
    }
}
