namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>RETIRE_CONNECTION_ID (RFC 9000 §19.16): the sender will no longer use a connection ID.</summary>
internal readonly struct RetireConnectionIdFrame : IQuicFrame<RetireConnectionIdFrame>
{
    public RetireConnectionIdFrame(ulong sequenceNumber) => SequenceNumber = sequenceNumber;

    /// <summary>The sequence number of the connection ID being retired.</summary>
    public ulong SequenceNumber { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out RetireConnectionIdFrame frame)
    {
        if (frameType == FrameType.RetireConnectionId && reader.TryReadVarInt(out ulong value))
        {
            frame = new RetireConnectionIdFrame(value);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength(SequenceNumber);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.RetireConnectionId);
        writer.WriteVarInt(SequenceNumber);
    }
}
