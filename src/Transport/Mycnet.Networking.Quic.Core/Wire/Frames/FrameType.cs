namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Frame type values (RFC 9000 §19 and §12.4 Table 3; RFC 9221 §4). Several frames carry flag bits in
/// their type (ACK, STREAM, MAX_STREAMS, STREAMS_BLOCKED, CONNECTION_CLOSE, DATAGRAM), so types are plain
/// <see cref="ulong"/> constants rather than an enum: a received type is compared and masked as read.
/// </summary>
internal static class FrameType
{
    public const ulong Padding = 0x00;
    public const ulong Ping = 0x01;

    /// <summary>ACK without ECN counts.</summary>
    public const ulong Ack = 0x02;

    /// <summary>ACK with ECN counts.</summary>
    public const ulong AckEcn = 0x03;

    public const ulong ResetStream = 0x04;
    public const ulong StopSending = 0x05;
    public const ulong Crypto = 0x06;
    public const ulong NewToken = 0x07;

    /// <summary>The first STREAM type (0x08); the low three bits are the OFF, LEN and FIN flags (RFC 9000 §19.8).</summary>
    public const ulong Stream = 0x08;

    /// <summary>The last STREAM type (0x0f).</summary>
    public const ulong StreamMax = 0x0f;

    /// <summary>STREAM flag: the frame ends the stream.</summary>
    public const ulong StreamFinBit = 0x01;

    /// <summary>STREAM flag: a Length field is present.</summary>
    public const ulong StreamLenBit = 0x02;

    /// <summary>STREAM flag: an Offset field is present.</summary>
    public const ulong StreamOffBit = 0x04;

    public const ulong MaxData = 0x10;
    public const ulong MaxStreamData = 0x11;
    public const ulong MaxStreamsBidi = 0x12;
    public const ulong MaxStreamsUni = 0x13;
    public const ulong DataBlocked = 0x14;
    public const ulong StreamDataBlocked = 0x15;
    public const ulong StreamsBlockedBidi = 0x16;
    public const ulong StreamsBlockedUni = 0x17;
    public const ulong NewConnectionId = 0x18;
    public const ulong RetireConnectionId = 0x19;
    public const ulong PathChallenge = 0x1a;
    public const ulong PathResponse = 0x1b;

    /// <summary>CONNECTION_CLOSE signalling a QUIC (transport) error; carries the triggering frame type.</summary>
    public const ulong ConnectionClose = 0x1c;

    /// <summary>CONNECTION_CLOSE signalling an application error.</summary>
    public const ulong ConnectionCloseApplication = 0x1d;

    public const ulong HandshakeDone = 0x1e;

    /// <summary>DATAGRAM without a Length field: the data runs to the end of the packet (RFC 9221 §4).</summary>
    public const ulong Datagram = 0x30;

    /// <summary>DATAGRAM with a Length field.</summary>
    public const ulong DatagramWithLength = 0x31;

    /// <summary>Whether <paramref name="type"/> is one of the STREAM types 0x08–0x0f.</summary>
    public static bool IsStream(ulong type) => type >= Stream && type <= StreamMax;
}
