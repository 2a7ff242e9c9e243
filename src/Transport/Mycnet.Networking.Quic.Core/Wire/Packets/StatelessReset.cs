namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// Stateless reset (RFC 9000 §10.3): a datagram that looks like a short-header packet (first bits 01,
/// then unpredictable bytes) and ends with the 16-byte stateless reset token.
/// </summary>
/// <remarks>
/// Sending: <see cref="GetLengthToSend"/> decides the size from the packet that triggered it (never
/// smaller than 21 bytes, always smaller than the trigger so resets cannot loop, §10.3.3; one byte
/// shorter than a trigger of 43 bytes or less, §10.3), then <see cref="Write"/> with random bytes.
/// Receiving: when the first packet of a datagram cannot be associated with a connection or decrypted,
/// compare <see cref="TryGetToken"/>'s candidate with the tokens of the connection IDs in use, in
/// constant time (<see cref="StatelessResetToken.Matches"/>).
/// </remarks>
internal static class StatelessReset
{
    /// <summary>The smallest stateless reset: 5 bytes of which 38 bits are unpredictable, plus the token (§10.3).</summary>
    public const int MinimumLength = 21;

    /// <summary>
    /// The size of a stateless reset answering a packet of <paramref name="triggeringPacketLength"/> bytes,
    /// at most <paramref name="maxLength"/>; 0 when none may be sent (the trigger is too small for a reset
    /// that is both at least 21 bytes and smaller than it). Resets below 41 bytes may be identifiable by
    /// observers (§10.3.3), so a <paramref name="maxLength"/> of at least 41 is advisable.
    /// </summary>
    public static int GetLengthToSend(int triggeringPacketLength, int maxLength)
    {
        int length = Math.Min(triggeringPacketLength - 1, maxLength);
        return length < MinimumLength ? 0 : length;
    }

    /// <summary>
    /// Writes a stateless reset of <paramref name="unpredictableBytes"/>.Length + 16 bytes: the first byte
    /// is 0b01 followed by six unpredictable bits, then the rest of the unpredictable bytes, then the token.
    /// </summary>
    /// <param name="destination">The datagram buffer.</param>
    /// <param name="unpredictableBytes">Random bytes from the caller (at least 5); byte 0's low six bits seed the first byte.</param>
    /// <param name="token">The stateless reset token of the connection ID the trigger was sent to.</param>
    /// <returns>The datagram length.</returns>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> unpredictableBytes, in StatelessResetToken token)
    {
        int length = unpredictableBytes.Length + StatelessResetToken.Length;
        if (length < MinimumLength)
        {
            throw new ArgumentException($"A stateless reset has at least {MinimumLength - StatelessResetToken.Length} unpredictable bytes.", nameof(unpredictableBytes));
        }

        if (destination.Length < length)
        {
            throw new ArgumentException("The destination is too small for the stateless reset.", nameof(destination));
        }

        unpredictableBytes.CopyTo(destination);
        destination[0] = (byte)(PacketFirstByte.FixedBit | (unpredictableBytes[0] & 0x3F));
        token.Span.CopyTo(destination[unpredictableBytes.Length..]);
        return length;
    }

    /// <summary>
    /// The candidate stateless reset token of a received datagram: its last 16 bytes, when the datagram
    /// is at least 21 bytes (RFC 9000 §10.3.1). Any header form is considered: other versions might use
    /// long headers.
    /// </summary>
    public static bool TryGetToken(ReadOnlySpan<byte> datagram, out ReadOnlySpan<byte> token)
    {
        if (datagram.Length < MinimumLength)
        {
            token = default;
            return false;
        }

        token = datagram[^StatelessResetToken.Length..];
        return true;
    }
}
