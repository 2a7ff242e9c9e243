using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>The stream and flow control frames the stream layer asks the connection to send; values are the RFC 9000 §19 frame types.</summary>
internal enum StreamControlFrameType : byte
{
    ResetStream = 0x04,
    StopSending = 0x05,
    MaxData = 0x10,
    MaxStreamData = 0x11,
    MaxStreamsBidi = 0x12,
    MaxStreamsUni = 0x13,
    DataBlocked = 0x14,
    StreamDataBlocked = 0x15,
    StreamsBlockedBidi = 0x16,
    StreamsBlockedUni = 0x17,
}

/// <summary>
/// One control frame to send, as plain values; the connection encodes it and keeps the value in
/// its sent-packet record so it can report the frame acked or lost.
/// </summary>
/// <param name="Type">The frame type.</param>
/// <param name="StreamId">The stream, for RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA and STREAM_DATA_BLOCKED; else 0.</param>
/// <param name="Value">
/// MAX_DATA / MAX_STREAM_DATA: the maximum; DATA_BLOCKED / STREAM_DATA_BLOCKED: the limit we are
/// blocked at; MAX_STREAMS / STREAMS_BLOCKED: the stream count; RESET_STREAM: the final size;
/// STOP_SENDING: 0.
/// </param>
/// <param name="ErrorCode">The application error code of RESET_STREAM / STOP_SENDING; else 0.</param>
internal readonly record struct StreamControlFrame(StreamControlFrameType Type, ulong StreamId, ulong Value, ulong ErrorCode)
{
    /// <summary>Whether the frame names a stream.</summary>
    public bool HasStreamId => Type is StreamControlFrameType.ResetStream or StreamControlFrameType.StopSending
        or StreamControlFrameType.MaxStreamData or StreamControlFrameType.StreamDataBlocked;

    /// <summary>The final size of a RESET_STREAM (alias of <see cref="Value"/>).</summary>
    public ulong FinalSize => Value;

    /// <summary>The encoded size of the frame (RFC 9000 §19.4–§19.14; every type here encodes in one byte).</summary>
    public int EncodedLength => Type switch
    {
        StreamControlFrameType.ResetStream => 1 + VarInt.GetLength(StreamId) + VarInt.GetLength(ErrorCode) + VarInt.GetLength(Value),
        StreamControlFrameType.StopSending => 1 + VarInt.GetLength(StreamId) + VarInt.GetLength(ErrorCode),
        StreamControlFrameType.MaxStreamData or StreamControlFrameType.StreamDataBlocked => 1 + VarInt.GetLength(StreamId) + VarInt.GetLength(Value),
        _ => 1 + VarInt.GetLength(Value),
    };

    public static StreamControlFrame MaxData(ulong maximum) => new(StreamControlFrameType.MaxData, 0, maximum, 0);

    public static StreamControlFrame MaxStreamData(ulong streamId, ulong maximum) => new(StreamControlFrameType.MaxStreamData, streamId, maximum, 0);

    public static StreamControlFrame DataBlocked(ulong limit) => new(StreamControlFrameType.DataBlocked, 0, limit, 0);

    public static StreamControlFrame StreamDataBlocked(ulong streamId, ulong limit) => new(StreamControlFrameType.StreamDataBlocked, streamId, limit, 0);

    public static StreamControlFrame MaxStreams(StreamDirection direction, ulong count) =>
        new(direction == StreamDirection.Bidirectional ? StreamControlFrameType.MaxStreamsBidi : StreamControlFrameType.MaxStreamsUni, 0, count, 0);

    public static StreamControlFrame StreamsBlocked(StreamDirection direction, ulong count) =>
        new(direction == StreamDirection.Bidirectional ? StreamControlFrameType.StreamsBlockedBidi : StreamControlFrameType.StreamsBlockedUni, 0, count, 0);

    public static StreamControlFrame ResetStream(ulong streamId, ulong errorCode, ulong finalSize) => new(StreamControlFrameType.ResetStream, streamId, finalSize, errorCode);

    public static StreamControlFrame StopSending(ulong streamId, ulong errorCode) => new(StreamControlFrameType.StopSending, streamId, 0, errorCode);
}
