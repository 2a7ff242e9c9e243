namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Rules about frame types as a whole: reading the type, whether a type is known, ack-eliciting,
/// probing, and which packet types may carry it.
/// </summary>
/// <remarks>
/// A receiver iterates a decrypted payload like this (RFC 9000 §12.4):
/// <code>
/// var reader = new WireReader(payload);
/// while (!reader.IsEnd)
/// {
///     if (!Frames.TryReadType(ref reader, out ulong type)) → FRAME_ENCODING_ERROR (truncated / unknown / over-long type)
///     if (!Frames.IsAllowed(type, packetType))             → PROTOCOL_VIOLATION
///     switch (type) { case FrameType.Ping: ...; default when FrameType.IsStream(type): StreamFrame.TryParse(ref reader, type, out var f) ... }
/// }
/// </code>
/// A <c>TryParse</c> that returns false means FRAME_ENCODING_ERROR with that frame type. A packet with
/// no frames at all is a PROTOCOL_VIOLATION (RFC 9000 §12.4); that check is the caller's.
/// </remarks>
internal static class Frames
{
    /// <summary>
    /// Reads a frame type and checks that it is a type this engine knows, encoded in its shortest form
    /// (RFC 9000 §12.4: "a frame type MUST use the shortest possible encoding"). Every known type fits
    /// one byte, so any type encoded in more than one byte is rejected. False means the payload is
    /// malformed: the connection closes with FRAME_ENCODING_ERROR.
    /// </summary>
    public static bool TryReadType(ref WireReader reader, out ulong frameType)
    {
        if (!reader.TryPeekByte(out byte first) || VarInt.GetLengthFromFirstByte(first) != 1 || !IsKnown(first))
        {
            frameType = 0;
            return false;
        }

        reader.TryReadByte(out _);
        frameType = first;
        return true;
    }

    /// <summary>Whether <paramref name="frameType"/> is defined by RFC 9000 §19 or RFC 9221.</summary>
    public static bool IsKnown(ulong frameType) =>
        frameType <= FrameType.HandshakeDone || frameType == FrameType.Datagram || frameType == FrameType.DatagramWithLength;

    /// <summary>
    /// Whether a frame makes the packet carrying it ack-eliciting: every frame but ACK, PADDING and
    /// CONNECTION_CLOSE (RFC 9002 §2, RFC 9000 §13.2.1). DATAGRAM is ack-eliciting (RFC 9221 §5.2).
    /// </summary>
    public static bool IsAckEliciting(ulong frameType) => frameType switch
    {
        FrameType.Padding or FrameType.Ack or FrameType.AckEcn => false,
        FrameType.ConnectionClose or FrameType.ConnectionCloseApplication => false,
        _ => true,
    };

    /// <summary>
    /// Whether a frame is a probing frame: PATH_CHALLENGE, PATH_RESPONSE, NEW_CONNECTION_ID and PADDING
    /// (RFC 9000 §9.1). A packet holding only probing frames is a probing packet.
    /// </summary>
    public static bool IsProbing(ulong frameType) => frameType switch
    {
        FrameType.PathChallenge or FrameType.PathResponse or FrameType.NewConnectionId or FrameType.Padding => true,
        _ => false,
    };

    /// <summary>
    /// Whether a packet counts toward bytes in flight when it carries only such frames: all but ACK and
    /// PADDING (RFC 9000 §12.4 Table 3, "C" column; RFC 9002 §2).
    /// </summary>
    public static bool CountsInFlight(ulong frameType) =>
        frameType != FrameType.Ack && frameType != FrameType.AckEcn && frameType != FrameType.Padding;

    /// <summary>
    /// Whether a frame of <paramref name="frameType"/> may appear in a packet of <paramref name="packetType"/>
    /// (RFC 9000 §12.4 Table 3 "Pkts" column; RFC 9221 §4 for DATAGRAM). Unknown types, Retry and Version
    /// Negotiation packets allow nothing. Receipt of a frame in a packet type that does not permit it is
    /// a PROTOCOL_VIOLATION.
    /// </summary>
    /// <remarks>
    /// Table 3 marks RETIRE_CONNECTION_ID as allowed in 0-RTT ("__01") while the prose below it lists it
    /// among the frames that cannot be sent in 0-RTT and says a server MAY reject it. This follows the
    /// table (accept), which is the lenient reading the RFC permits.
    /// </remarks>
    public static bool IsAllowed(ulong frameType, PacketType packetType)
    {
        if (!IsKnown(frameType))
        {
            return false;
        }

        switch (packetType)
        {
            case PacketType.OneRtt:
                // Every frame can appear in 1-RTT packets.
                return true;
            case PacketType.Initial:
            case PacketType.Handshake:
                // "IH": PADDING, PING, ACK, CRYPTO; "ih": only CONNECTION_CLOSE of type 0x1c.
                return frameType is FrameType.Padding or FrameType.Ping or FrameType.Ack or FrameType.AckEcn
                    or FrameType.Crypto or FrameType.ConnectionClose;
            case PacketType.ZeroRtt:
                // "0": all but ACK, CRYPTO, NEW_TOKEN, PATH_RESPONSE, HANDSHAKE_DONE.
                return frameType is not (FrameType.Ack or FrameType.AckEcn or FrameType.Crypto or FrameType.NewToken
                    or FrameType.PathResponse or FrameType.HandshakeDone);
            default:
                return false;
        }
    }
}
