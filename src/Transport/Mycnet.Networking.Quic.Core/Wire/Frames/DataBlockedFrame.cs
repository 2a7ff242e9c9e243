namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>DATA_BLOCKED (RFC 9000 §19.12): the sender is blocked by connection-level flow control.</summary>
internal readonly struct DataBlockedFrame : IQuicFrame<DataBlockedFrame>
{
    public DataBlockedFrame(ulong maximumData) => MaximumData = maximumData;

    /// <summary>The connection-level limit at which blocking occurred.</summary>
    public ulong MaximumData { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out DataBlockedFrame frame)
    {
        if (frameType == FrameType.DataBlocked && reader.TryReadVarInt(out ulong value))
        {
            frame = new DataBlockedFrame(value);
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
        writer.WriteByte((byte)FrameType.DataBlocked);
        writer.WriteVarInt(MaximumData);
    }
}
