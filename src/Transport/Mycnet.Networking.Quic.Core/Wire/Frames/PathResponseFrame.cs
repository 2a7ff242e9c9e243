using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>PATH_RESPONSE (RFC 9000 §19.18): echoes the data of a PATH_CHALLENGE.</summary>
internal readonly struct PathResponseFrame : IQuicFrame<PathResponseFrame>
{
    /// <summary>The encoded length: type plus 8 data bytes.</summary>
    public const int EncodedLength = 9;

    /// <summary>Creates the frame from the 8 data bytes read as a big-endian integer.</summary>
    public PathResponseFrame(ulong data) => Data = data;

    /// <summary>The 8 bytes of data, as a big-endian integer (the bytes are opaque; only equality matters).</summary>
    public ulong Data { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out PathResponseFrame frame)
    {
        if (frameType == FrameType.PathResponse && reader.TryReadUInt64(out ulong data))
        {
            frame = new PathResponseFrame(data);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>Reads the 8 data bytes from <paramref name="data"/> (big-endian).</summary>
    public static PathResponseFrame FromBytes(ReadOnlySpan<byte> data) => new(BinaryPrimitives.ReadUInt64BigEndian(data));

    /// <inheritdoc/>
    public int GetEncodedLength() => EncodedLength;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.PathResponse);
        writer.WriteUInt64(Data);
    }
}
