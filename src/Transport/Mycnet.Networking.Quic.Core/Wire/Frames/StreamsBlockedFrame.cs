namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>STREAMS_BLOCKED (RFC 9000 §19.14): the sender wants to open a stream but is limited by the peer.</summary>
internal readonly struct StreamsBlockedFrame : IQuicFrame<StreamsBlockedFrame>
{
    /// <summary>The largest stream count the frame may carry: 2^60 (RFC 9000 §4.6, §19.11, §19.14).</summary>
    public const ulong MaxStreamCount = 1UL << 60;

    /// <summary>Creates the frame.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maximumStreams"/> exceeds 2^60.</exception>
    public StreamsBlockedFrame(bool bidirectional, ulong maximumStreams)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maximumStreams, MaxStreamCount);
        Bidirectional = bidirectional;
        MaximumStreams = maximumStreams;
    }

    /// <summary>True for type StreamsBlockedBidi (bidirectional streams), false for StreamsBlockedUni (unidirectional).</summary>
    public bool Bidirectional { get; }

    /// <summary>The stream limit at the time the frame was sent.</summary>
    public ulong MaximumStreams { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out StreamsBlockedFrame frame)
    {
        // A count above 2^60 is a FRAME_ENCODING_ERROR (RFC 9000 §19.11, §19.14).
        if ((frameType == FrameType.StreamsBlockedBidi || frameType == FrameType.StreamsBlockedUni)
            && reader.TryReadVarInt(out ulong count)
            && count <= MaxStreamCount)
        {
            frame = new StreamsBlockedFrame(frameType == FrameType.StreamsBlockedBidi, count);
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
        writer.WriteByte((byte)(Bidirectional ? FrameType.StreamsBlockedBidi : FrameType.StreamsBlockedUni));
        writer.WriteVarInt(MaximumStreams);
    }
}
