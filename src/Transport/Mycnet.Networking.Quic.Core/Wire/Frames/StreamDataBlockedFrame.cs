namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>STREAM_DATA_BLOCKED (RFC 9000 §19.13): the sender is blocked by stream-level flow control.</summary>
internal readonly struct StreamDataBlockedFrame : IQuicFrame<StreamDataBlockedFrame>
{
    public StreamDataBlockedFrame(ulong streamId, ulong maximumStreamData)
    {
        StreamId = streamId;
        MaximumStreamData = maximumStreamData;
    }

    public ulong StreamId { get; }

    /// <summary>The stream-level limit at which blocking occurred.</summary>
    public ulong MaximumStreamData { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out StreamDataBlockedFrame frame)
    {
        if (frameType == FrameType.StreamDataBlocked
            && reader.TryReadVarInt(out ulong streamId)
            && reader.TryReadVarInt(out ulong maximum))
        {
            frame = new StreamDataBlockedFrame(streamId, maximum);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength(StreamId) + VarInt.GetLength(MaximumStreamData);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.StreamDataBlocked);
        writer.WriteVarInt(StreamId);
        writer.WriteVarInt(MaximumStreamData);
    }
}
