namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>RESET_STREAM (RFC 9000 §19.4): abruptly ends the sending part of a stream.</summary>
internal readonly struct ResetStreamFrame : IQuicFrame<ResetStreamFrame>
{
    public ResetStreamFrame(ulong streamId, ulong applicationErrorCode, ulong finalSize)
    {
        StreamId = streamId;
        ApplicationErrorCode = applicationErrorCode;
        FinalSize = finalSize;
    }

    public ulong StreamId { get; }

    public ulong ApplicationErrorCode { get; }

    /// <summary>The final size of the stream in bytes (RFC 9000 §4.5).</summary>
    public ulong FinalSize { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out ResetStreamFrame frame)
    {
        if (frameType == FrameType.ResetStream
            && reader.TryReadVarInt(out ulong streamId)
            && reader.TryReadVarInt(out ulong errorCode)
            && reader.TryReadVarInt(out ulong finalSize))
        {
            frame = new ResetStreamFrame(streamId, errorCode, finalSize);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() =>
        1 + VarInt.GetLength(StreamId) + VarInt.GetLength(ApplicationErrorCode) + VarInt.GetLength(FinalSize);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.ResetStream);
        writer.WriteVarInt(StreamId);
        writer.WriteVarInt(ApplicationErrorCode);
        writer.WriteVarInt(FinalSize);
    }
}
