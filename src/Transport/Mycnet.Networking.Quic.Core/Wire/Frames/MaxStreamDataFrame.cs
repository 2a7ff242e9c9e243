namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>MAX_STREAM_DATA (RFC 9000 §19.10): the stream-level flow control limit.</summary>
internal readonly struct MaxStreamDataFrame : IQuicFrame<MaxStreamDataFrame>
{
    public MaxStreamDataFrame(ulong streamId, ulong maximumStreamData)
    {
        StreamId = streamId;
        MaximumStreamData = maximumStreamData;
    }

    public ulong StreamId { get; }

    /// <summary>The maximum amount of data, in bytes, that can be sent on the stream.</summary>
    public ulong MaximumStreamData { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out MaxStreamDataFrame frame)
    {
        if (frameType == FrameType.MaxStreamData
            && reader.TryReadVarInt(out ulong streamId)
            && reader.TryReadVarInt(out ulong maximum))
        {
            frame = new MaxStreamDataFrame(streamId, maximum);
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
        writer.WriteByte((byte)FrameType.MaxStreamData);
        writer.WriteVarInt(StreamId);
        writer.WriteVarInt(MaximumStreamData);
    }
}
