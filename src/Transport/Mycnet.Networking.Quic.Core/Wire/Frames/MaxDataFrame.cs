namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>MAX_DATA (RFC 9000 §19.9): the connection-level flow control limit.</summary>
internal readonly struct MaxDataFrame : IQuicFrame<MaxDataFrame>
{
    public MaxDataFrame(ulong maximumData) => MaximumData = maximumData;

    /// <summary>The maximum amount of data, in bytes, that can be sent on the whole connection.</summary>
    public ulong MaximumData { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out MaxDataFrame frame)
    {
        if (frameType == FrameType.MaxData && reader.TryReadVarInt(out ulong value))
        {
            frame = new MaxDataFrame(value);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength(MaximumData);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.MaxData);
        writer.WriteVarInt(MaximumData);
    }
}
