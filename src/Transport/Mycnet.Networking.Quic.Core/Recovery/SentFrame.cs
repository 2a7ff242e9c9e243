namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>The kind of a frame recorded in a sent packet, for retransmission decisions (RFC 9000 §13.3).</summary>
internal enum SentFrameKind : byte
{
    /// <summary>Not a frame; the default value.</summary>
    None = 0,

    /// <summary>PING (RFC 9000 §19.2). Never retransmitted.</summary>
    Ping,

    /// <summary>ACK (RFC 9000 §19.3); <see cref="SentFrame.Value"/> = largest acknowledged, for ACK-of-ACK pruning (§13.2.4).</summary>
    Ack,

    /// <summary>RESET_STREAM (§19.4): stream id, <see cref="SentFrame.Value"/> = application error code, <see cref="SentFrame.Offset"/> = final size.</summary>
    ResetStream,

    /// <summary>STOP_SENDING (§19.5): stream id, <see cref="SentFrame.Value"/> = application error code.</summary>
    StopSending,

    /// <summary>CRYPTO (§19.6): offset and length; the encryption level is the packet's space.</summary>
    Crypto,

    /// <summary>NEW_TOKEN (§19.7): <see cref="SentFrame.Value"/> = a token handle chosen by the connection.</summary>
    NewToken,

    /// <summary>STREAM (§19.8): stream id, offset, length, fin.</summary>
    Stream,

    /// <summary>MAX_DATA (§19.9): <see cref="SentFrame.Value"/> = the limit sent.</summary>
    MaxData,

    /// <summary>MAX_STREAM_DATA (§19.10): stream id, <see cref="SentFrame.Value"/> = the limit sent.</summary>
    MaxStreamData,

    /// <summary>MAX_STREAMS for bidirectional streams (§19.11): <see cref="SentFrame.Value"/> = the limit sent.</summary>
    MaxStreamsBidi,

    /// <summary>MAX_STREAMS for unidirectional streams (§19.11): <see cref="SentFrame.Value"/> = the limit sent.</summary>
    MaxStreamsUni,

    /// <summary>DATA_BLOCKED (§19.12): <see cref="SentFrame.Value"/> = the limit at which blocked.</summary>
    DataBlocked,

    /// <summary>STREAM_DATA_BLOCKED (§19.13): stream id, <see cref="SentFrame.Value"/> = the limit at which blocked.</summary>
    StreamDataBlocked,

    /// <summary>STREAMS_BLOCKED for bidirectional streams (§19.14): <see cref="SentFrame.Value"/> = the limit.</summary>
    StreamsBlockedBidi,

    /// <summary>STREAMS_BLOCKED for unidirectional streams (§19.14): <see cref="SentFrame.Value"/> = the limit.</summary>
    StreamsBlockedUni,

    /// <summary>NEW_CONNECTION_ID (§19.15): <see cref="SentFrame.Value"/> = sequence number.</summary>
    NewConnectionId,

    /// <summary>RETIRE_CONNECTION_ID (§19.16): <see cref="SentFrame.Value"/> = sequence number.</summary>
    RetireConnectionId,

    /// <summary>PATH_CHALLENGE (§19.17): <see cref="SentFrame.Value"/> = the 8 data bytes (big-endian).</summary>
    PathChallenge,

    /// <summary>PATH_RESPONSE (§19.18): <see cref="SentFrame.Value"/> = the 8 data bytes (big-endian). Never retransmitted (§13.3).</summary>
    PathResponse,

    /// <summary>HANDSHAKE_DONE (§19.20).</summary>
    HandshakeDone,

    /// <summary>DATAGRAM (RFC 9221 §5): <see cref="SentFrame.Length"/> = payload length. Never retransmitted.</summary>
    Datagram,
}

/// <summary>
/// A compact record of one frame a sent packet carried: enough for the connection to decide what
/// to retransmit when the packet is lost, or what is delivered when it is acknowledged (RFC 9000
/// §13.3). 32 bytes, no references, stored in the sent-packet tracker's shared frame ring.
/// </summary>
/// <param name="Kind">Which frame.</param>
/// <param name="StreamId">Stream id for stream-scoped frames, else 0.</param>
/// <param name="Offset">Stream or CRYPTO offset; final size for RESET_STREAM.</param>
/// <param name="Value">Frame-specific 64-bit value (limit, sequence, error code, largest acknowledged, path data).</param>
/// <param name="Length">Data length for STREAM, CRYPTO and DATAGRAM.</param>
/// <param name="Fin">The FIN bit of a STREAM frame.</param>
internal readonly record struct SentFrame(SentFrameKind Kind, ulong StreamId, ulong Offset, ulong Value, int Length, bool Fin)
{
    public static SentFrame Ping() => new(SentFrameKind.Ping, 0, 0, 0, 0, false);

    public static SentFrame Ack(ulong largestAcknowledged) => new(SentFrameKind.Ack, 0, 0, largestAcknowledged, 0, false);

    public static SentFrame ResetStream(ulong streamId, ulong applicationErrorCode, ulong finalSize) =>
        new(SentFrameKind.ResetStream, streamId, finalSize, applicationErrorCode, 0, false);

    public static SentFrame StopSending(ulong streamId, ulong applicationErrorCode) =>
        new(SentFrameKind.StopSending, streamId, 0, applicationErrorCode, 0, false);

    public static SentFrame Crypto(ulong offset, int length) => new(SentFrameKind.Crypto, 0, offset, 0, length, false);

    public static SentFrame NewToken(ulong tokenHandle) => new(SentFrameKind.NewToken, 0, 0, tokenHandle, 0, false);

    public static SentFrame Stream(ulong streamId, ulong offset, int length, bool fin) =>
        new(SentFrameKind.Stream, streamId, offset, 0, length, fin);

    public static SentFrame MaxData(ulong maximum) => new(SentFrameKind.MaxData, 0, 0, maximum, 0, false);

    public static SentFrame MaxStreamData(ulong streamId, ulong maximum) =>
        new(SentFrameKind.MaxStreamData, streamId, 0, maximum, 0, false);

    public static SentFrame MaxStreams(bool bidirectional, ulong maximum) =>
        new(bidirectional ? SentFrameKind.MaxStreamsBidi : SentFrameKind.MaxStreamsUni, 0, 0, maximum, 0, false);

    public static SentFrame DataBlocked(ulong limit) => new(SentFrameKind.DataBlocked, 0, 0, limit, 0, false);

    public static SentFrame StreamDataBlocked(ulong streamId, ulong limit) =>
        new(SentFrameKind.StreamDataBlocked, streamId, 0, limit, 0, false);

    public static SentFrame StreamsBlocked(bool bidirectional, ulong limit) =>
        new(bidirectional ? SentFrameKind.StreamsBlockedBidi : SentFrameKind.StreamsBlockedUni, 0, 0, limit, 0, false);

    public static SentFrame NewConnectionId(ulong sequenceNumber) =>
        new(SentFrameKind.NewConnectionId, 0, 0, sequenceNumber, 0, false);

    public static SentFrame RetireConnectionId(ulong sequenceNumber) =>
        new(SentFrameKind.RetireConnectionId, 0, 0, sequenceNumber, 0, false);

    public static SentFrame PathChallenge(ulong data) => new(SentFrameKind.PathChallenge, 0, 0, data, 0, false);

    public static SentFrame PathResponse(ulong data) => new(SentFrameKind.PathResponse, 0, 0, data, 0, false);

    public static SentFrame HandshakeDone() => new(SentFrameKind.HandshakeDone, 0, 0, 0, 0, false);

    public static SentFrame Datagram(int length) => new(SentFrameKind.Datagram, 0, 0, 0, length, false);
}
