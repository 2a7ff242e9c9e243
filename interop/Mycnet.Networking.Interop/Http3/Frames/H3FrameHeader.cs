using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Interop.Http3.Frames;

/// <summary>
/// The frame layout common to every HTTP/3 frame (RFC 9114 §7.1): Type (i), Length (i), then Length
/// bytes of payload. Both are QUIC variable-length integers (RFC 9000 §16).
/// </summary>
internal readonly record struct H3FrameHeader(ulong Type, ulong Length)
{
    /// <summary>The longest encoding of a frame header: two 8-byte varints.</summary>
    public const int MaxEncodedLength = 16;

    /// <summary>Parses a header from the start of <paramref name="source"/>; false when it is incomplete.</summary>
    public static bool TryParse(ReadOnlySpan<byte> source, out H3FrameHeader header, out int consumed)
    {
        var reader = new WireReader(source);
        if (reader.TryReadVarInt(out ulong type) && reader.TryReadVarInt(out ulong length))
        {
            header = new H3FrameHeader(type, length);
            consumed = reader.Position;
            return true;
        }

        header = default;
        consumed = 0;
        return false;
    }

    /// <summary>The encoded length of this header.</summary>
    public int EncodedLength => VarInt.GetLength(Type) + VarInt.GetLength(Length);

    /// <summary>Writes this header into <paramref name="destination"/>; returns <see cref="EncodedLength"/>.</summary>
    public int Write(Span<byte> destination)
    {
        var writer = new WireWriter(destination);
        writer.WriteVarInt(Type);
        writer.WriteVarInt(Length);
        return writer.Position;
    }
}
