using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Interop.Http3.Frames;

/// <summary>
/// The frames whose payload is exactly one variable-length integer: GOAWAY (stream or push id,
/// RFC 9114 §7.2.6), MAX_PUSH_ID (§7.2.7) and CANCEL_PUSH (§7.2.3).
/// </summary>
internal static class H3IdFrame
{
    /// <summary>The longest valid payload (one 8-byte varint).</summary>
    public const int MaxPayloadLength = 8;

    /// <summary>
    /// Parses the payload; false when it is not exactly one varint (too short or with bytes after it),
    /// which §7.1 makes H3_FRAME_ERROR.
    /// </summary>
    public static bool TryParsePayload(ReadOnlySpan<byte> payload, out ulong id)
    {
        var reader = new WireReader(payload);
        return reader.TryReadVarInt(out id) && reader.IsEnd;
    }

    /// <summary>The length of the frame <see cref="Write"/> writes.</summary>
    public static int GetFrameLength(ulong type, ulong id) =>
        new H3FrameHeader(type, (ulong)VarInt.GetLength(id)).EncodedLength + VarInt.GetLength(id);

    /// <summary>Writes a frame of <paramref name="type"/> carrying <paramref name="id"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ulong type, ulong id)
    {
        int p = new H3FrameHeader(type, (ulong)VarInt.GetLength(id)).Write(destination);
        var writer = new WireWriter(destination[p..]);
        writer.WriteVarInt(id);
        return p + writer.Position;
    }
}
