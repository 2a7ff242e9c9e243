using System.Buffers.Binary;

namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>PATH_CHALLENGE (RFC 9000 §19.17): asks the peer to prove it receives on a path by echoing 8 bytes in PATH_RESPONSE.</summary>
internal readonly struct PathChallengeFrame : IQuicFrame<PathChallengeFrame>
{
    /// <summary>The encoded length: type plus 8 data bytes.</summary>
    public const int EncodedLength = 9;

    /// <summary>Creates the frame from the 8 data bytes read as a big-endian integer.</summary>
    public PathChallengeFrame(ulong data) => Data = data;

    /// <summary>The 8 bytes of data, as a big-endian integer (the bytes are opaque; only equality matters).</summary>
    public ulong Data { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out PathChallengeFrame frame)
    {
        if (frameType == FrameType.PathChallenge && reader.TryReadUInt64(out ulong data))
        {
            frame = new PathChallengeFrame(data);
            return true;
        }

        frame = default;
        return false;
    }

    /// <summary>Reads the 8 data bytes from <paramref name="data"/> (big-endian).</summary>
    public static PathChallengeFrame FromBytes(ReadOnlySpan<byte> data) => new(BinaryPrimitives.ReadUInt64BigEndian(data));

    /// <inheritdoc/>
    public int GetEncodedLength() => EncodedLength;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.PathChallenge);
        writer.WriteUInt64(Data);
    }
}
