namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// STREAM (RFC 9000 §19.8), types 0x08–0x0f. The low three type bits say whether an Offset field is
/// present (OFF, 0x04; absent means offset 0), whether a Length field is present (LEN, 0x02; absent
/// means the data runs to the end of the packet) and whether the frame ends the stream (FIN, 0x01).
/// <see cref="Data"/> is a slice of the decrypted packet.
/// </summary>
/// <remarks>
/// Send path (zero copy): size with <see cref="GetMaxDataLength"/>, write the header with
/// <see cref="WriteHeader"/>, then copy the stream's bytes straight into the packet. Only the last
/// frame of a packet may omit its Length field (<c>includeLength: false</c>).
/// </remarks>
internal readonly ref struct StreamFrame : IQuicFrame<StreamFrame>
{
    public StreamFrame(ulong streamId, ulong offset, ReadOnlySpan<byte> data, bool fin, bool hasLength = true)
    {
        StreamId = streamId;
        Offset = offset;
        Data = data;
        Fin = fin;
        HasLength = hasLength;
    }

    public ulong StreamId { get; }

    /// <summary>The byte offset of <see cref="Data"/> in the stream (0 when the OFF bit is clear).</summary>
    public ulong Offset { get; }

    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Whether the frame marks the end of the stream; the final size is Offset + Data.Length.</summary>
    public bool Fin { get; }

    /// <summary>Whether the frame carried (or will carry) an explicit Length field.</summary>
    public bool HasLength { get; }

    /// <summary>The stream offset just past this frame's data.</summary>
    public ulong EndOffset => Offset + (ulong)Data.Length;

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out StreamFrame frame)
    {
        frame = default;
        if (!FrameType.IsStream(frameType) || !reader.TryReadVarInt(out ulong streamId))
        {
            return false;
        }

        ulong offset = 0;
        if ((frameType & FrameType.StreamOffBit) != 0 && !reader.TryReadVarInt(out offset))
        {
            return false;
        }

        ReadOnlySpan<byte> data;
        bool hasLength = (frameType & FrameType.StreamLenBit) != 0;
        if (hasLength)
        {
            if (!reader.TryReadVarIntLengthPrefixed(out data))
            {
                return false;
            }
        }
        else
        {
            reader.TryReadBytes(reader.Remaining, out data);
        }

        // The largest offset delivered on a stream cannot exceed 2^62 - 1 (RFC 9000 §19.8).
        if ((ulong)data.Length > VarInt.MaxValue - offset)
        {
            return false;
        }

        frame = new StreamFrame(streamId, offset, data, (frameType & FrameType.StreamFinBit) != 0, hasLength);
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => GetHeaderLength(StreamId, Offset, Data.Length, HasLength) + Data.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        WriteHeader(ref writer, StreamId, Offset, Data.Length, Fin, HasLength);
        writer.WriteBytes(Data);
    }

    /// <summary>The frame type for the given flags; OFF is set only for a non-zero offset.</summary>
    public static byte GetFrameType(ulong offset, bool fin, bool includeLength) =>
        (byte)(FrameType.Stream
            | (offset != 0 ? FrameType.StreamOffBit : 0)
            | (includeLength ? FrameType.StreamLenBit : 0)
            | (fin ? FrameType.StreamFinBit : 0));

    /// <summary>The length of the type, Stream ID, Offset (when non-zero) and optional Length fields.</summary>
    public static int GetHeaderLength(ulong streamId, ulong offset, int dataLength, bool includeLength) =>
        1 + VarInt.GetLength(streamId)
        + (offset != 0 ? VarInt.GetLength(offset) : 0)
        + (includeLength ? VarInt.GetLength((ulong)dataLength) : 0);

    /// <summary>
    /// Writes the type, Stream ID, Offset and (optionally) Length fields; the caller then writes exactly
    /// <paramref name="dataLength"/> data bytes. Without a Length field the data must end the packet.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">offset + length exceeds 2^62 − 1, or the length is negative.</exception>
    public static void WriteHeader(ref WireWriter writer, ulong streamId, ulong offset, int dataLength, bool fin, bool includeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        if (offset > VarInt.MaxValue || (ulong)dataLength > VarInt.MaxValue - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "STREAM offset + length exceeds 2^62 - 1.");
        }

        writer.WriteByte(GetFrameType(offset, fin, includeLength));
        writer.WriteVarInt(streamId);
        if (offset != 0)
        {
            writer.WriteVarInt(offset);
        }

        if (includeLength)
        {
            writer.WriteVarInt((ulong)dataLength);
        }
    }

    /// <summary>
    /// How many data bytes a STREAM frame can carry in <paramref name="availableBytes"/> bytes, header
    /// included; 0 means only an empty frame (e.g. a bare FIN) fits; -1 means not even the header fits.
    /// </summary>
    public static int GetMaxDataLength(ulong streamId, ulong offset, int availableBytes, bool includeLength)
    {
        long room = (long)availableBytes - 1 - VarInt.GetLength(streamId) - (offset != 0 ? VarInt.GetLength(offset) : 0);
        long max = includeLength ? FrameSizing.GetMaxLengthPrefixedData(room) : (room < 0 ? -1 : room);
        return FrameSizing.CapToOffsetLimit(max, offset);
    }
}
