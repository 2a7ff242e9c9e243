using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// What to put in one STREAM frame (RFC 9000 §19.8): the connection writes the frame header and
/// copies <see cref="Length"/> bytes from <see cref="Offset"/> straight into the packet.
/// </summary>
/// <param name="StreamId">The stream.</param>
/// <param name="Offset">The stream offset of the first byte.</param>
/// <param name="Length">How many bytes (0 for a lone FIN).</param>
/// <param name="Fin">Whether the frame carries the FIN bit.</param>
/// <param name="IsRetransmission">Whether the bytes were sent before and declared lost.</param>
internal readonly record struct StreamChunk(ulong StreamId, ulong Offset, int Length, bool Fin, bool IsRetransmission)
{
    /// <summary>The STREAM frame type with OFF set iff <see cref="Offset"/> &gt; 0, LEN always set, FIN as needed.</summary>
    public byte FrameType => (byte)(0x08 | (Offset > 0 ? 0x04 : 0) | 0x02 | (Fin ? 0x01 : 0));

    /// <summary>Bytes of the STREAM frame header in the form <see cref="FrameType"/> describes.</summary>
    public int HeaderLength => GetHeaderLength(StreamId, Offset, Length);

    /// <summary>The header size of a STREAM frame with an explicit Length field (offset omitted when 0).</summary>
    public static int GetHeaderLength(ulong streamId, ulong offset, int length) =>
        1 + VarInt.GetLength(streamId) + (offset > 0 ? VarInt.GetLength(offset) : 0) + VarInt.GetLength((ulong)length);

    /// <summary>
    /// The most data bytes a STREAM frame for (<paramref name="streamId"/>, <paramref name="offset"/>)
    /// can carry within <paramref name="maxFrameBytes"/>, header included; negative if even the
    /// header does not fit.
    /// </summary>
    public static int GetMaxDataLength(ulong streamId, ulong offset, int maxFrameBytes)
    {
        int fixedPart = 1 + VarInt.GetLength(streamId) + (offset > 0 ? VarInt.GetLength(offset) : 0);
        int room = maxFrameBytes - fixedPart;
        if (room < 1)
        {
            return -1;
        }

        // The Length field is at most as long as the encoding of the room itself.
        return room - VarInt.GetLength((ulong)room);
    }
}
