namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// NEW_CONNECTION_ID (RFC 9000 §19.15): an alternative connection ID the peer can use, with its
/// sequence number and stateless reset token, and the sequence number below which the receiver must
/// retire connection IDs.
/// </summary>
internal readonly struct NewConnectionIdFrame : IQuicFrame<NewConnectionIdFrame>
{
    /// <summary>Creates the frame.</summary>
    /// <exception cref="ArgumentException">The connection ID is empty, or Retire Prior To exceeds the sequence number.</exception>
    public NewConnectionIdFrame(ulong sequenceNumber, ulong retirePriorTo, ConnectionId connectionId, StatelessResetToken statelessResetToken)
    {
        if (connectionId.IsEmpty)
        {
            throw new ArgumentException("NEW_CONNECTION_ID carries a connection ID of 1 to 20 bytes (RFC 9000 §19.15).", nameof(connectionId));
        }

        if (retirePriorTo > sequenceNumber)
        {
            throw new ArgumentException("Retire Prior To cannot exceed the sequence number (RFC 9000 §19.15).", nameof(retirePriorTo));
        }

        SequenceNumber = sequenceNumber;
        RetirePriorTo = retirePriorTo;
        ConnectionId = connectionId;
        StatelessResetToken = statelessResetToken;
    }

    public ulong SequenceNumber { get; }

    public ulong RetirePriorTo { get; }

    public ConnectionId ConnectionId { get; }

    public StatelessResetToken StatelessResetToken { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out NewConnectionIdFrame frame)
    {
        frame = default;
        if (frameType != FrameType.NewConnectionId
            || !reader.TryReadVarInt(out ulong sequence)
            || !reader.TryReadVarInt(out ulong retirePriorTo)
            || !reader.TryReadUInt8LengthPrefixed(out ReadOnlySpan<byte> id)
            || !reader.TryReadBytes(StatelessResetToken.Length, out ReadOnlySpan<byte> token))
        {
            return false;
        }

        // Length 0 or above 20, or Retire Prior To above Sequence Number: FRAME_ENCODING_ERROR (RFC 9000 §19.15).
        if (id.IsEmpty || id.Length > ConnectionId.MaxLength || retirePriorTo > sequence)
        {
            return false;
        }

        frame = new NewConnectionIdFrame(sequence, retirePriorTo, new ConnectionId(id), new StatelessResetToken(token));
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() =>
        1 + VarInt.GetLength(SequenceNumber) + VarInt.GetLength(RetirePriorTo) + 1 + ConnectionId.Length + StatelessResetToken.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.NewConnectionId);
        writer.WriteVarInt(SequenceNumber);
        writer.WriteVarInt(RetirePriorTo);
        ConnectionId id = ConnectionId;
        writer.WriteByte((byte)id.Length);
        writer.WriteBytes(id.Span);
        StatelessResetToken token = StatelessResetToken;
        writer.WriteBytes(token.Span);
    }
}
