namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// DATAGRAM (RFC 9221 §4), types 0x30 (no Length field: the data runs to the end of the packet) and
/// 0x31 (with Length). <see cref="Data"/> is a slice of the decrypted packet. A datagram is never split:
/// a sender checks <see cref="GetMaxDataLength"/> against the whole payload.
/// </summary>
internal readonly ref struct DatagramFrame : IQuicFrame<DatagramFrame>
{
    public DatagramFrame(ReadOnlySpan<byte> data, bool hasLength = true)
    {
        Data = data;
        HasLength = hasLength;
    }

    public ReadOnlySpan<byte> Data { get; }

    /// <summary>Whether the frame carried (or will carry) an explicit Length field (type 0x31).</summary>
    public bool HasLength { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out DatagramFrame frame)
    {
        ReadOnlySpan<byte> data;
        if (frameType == FrameType.DatagramWithLength)
        {
            if (!reader.TryReadVarIntLengthPrefixed(out data))
            {
                frame = default;
                return false;
            }
        }
        else if (frameType == FrameType.Datagram)
        {
            reader.TryReadBytes(reader.Remaining, out data);
        }
        else
        {
            frame = default;
            return false;
        }

        frame = new DatagramFrame(data, frameType == FrameType.DatagramWithLength);
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => GetHeaderLength(Data.Length, HasLength) + Data.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        WriteHeader(ref writer, Data.Length, HasLength);
        writer.WriteBytes(Data);
    }

    /// <summary>The length of the type and optional Length fields.</summary>
    public static int GetHeaderLength(int dataLength, bool includeLength) =>
        1 + (includeLength ? VarInt.GetLength((ulong)dataLength) : 0);

    /// <summary>
    /// Writes the type and (optionally) Length fields; the caller then writes exactly
    /// <paramref name="dataLength"/> data bytes. Without a Length field the data must end the packet.
    /// </summary>
    public static void WriteHeader(ref WireWriter writer, int dataLength, bool includeLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        writer.WriteByte((byte)(includeLength ? FrameType.DatagramWithLength : FrameType.Datagram));
        if (includeLength)
        {
            writer.WriteVarInt((ulong)dataLength);
        }
    }

    /// <summary>
    /// How many data bytes a DATAGRAM frame can carry in <paramref name="availableBytes"/> bytes, header
    /// included; -1 when not even the header fits.
    /// </summary>
    public static int GetMaxDataLength(int availableBytes, bool includeLength)
    {
        long room = (long)availableBytes - 1;
        long max = includeLength ? FrameSizing.GetMaxLengthPrefixedData(room) : (room < 0 ? -1 : room);
        return (int)max;
    }
}
