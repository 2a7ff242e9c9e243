namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>MAX_STREAMS (RFC 9000 §19.11): the cumulative number of streams of one type the peer may open.</summary>
internal readonly struct MaxStreamsFrame : IQuicFrame<MaxStreamsFrame>
{
    /// <summary>The largest stream count the frame may carry: 2^60 (RFC 9000 §4.6, §19.11, §19.14).</summary>
    public const ulong MaxStreamCount = 1UL << 60;

    /// <summary>Creates the frame.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maximumStreams"/> exceeds 2^60.</exception>
    public MaxStreamsFrame(bool bidirectional, ulong maximumStreams)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maximumStreams, MaxStreamCount);
        Bidirectional = bidirectional;
        MaximumStreams = maximumStreams;
    }

    /// <summary>True for type MaxStreamsBidi (bidirectional streams), false for MaxStreamsUni (unidirectional).</summary>
    public bool Bidirectional { get; }

    /// <summary>A count of the cumulative number of streams of this type that can be opened.</summary>
    public ulong MaximumStreams { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out MaxStreamsFrame frame)
    {
        // A count above 2^60 is a FRAME_ENCODING_ERROR (RFC 9000 §19.11, §19.14).
        if ((frameType == FrameType.MaxStreamsBidi || frameType == FrameType.MaxStreamsUni)
            && reader.TryReadVarInt(out ulong count)
            && count <= MaxStreamCount)
        {
            frame = new MaxStreamsFrame(frameType == FrameType.MaxStreamsBidi, count);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength(MaximumStreams);

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)(Bidirectional ? FrameType.MaxStreamsBidi : FrameType.MaxStreamsUni));
        writer.WriteVarInt(MaximumStreams);
    }
}
