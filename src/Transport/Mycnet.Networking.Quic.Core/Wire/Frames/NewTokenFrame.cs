namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// NEW_TOKEN (RFC 9000 §19.7): a token the client can use in the Initial packet of a future connection.
/// <see cref="Token"/> is a slice of the packet.
/// </summary>
internal readonly ref struct NewTokenFrame : IQuicFrame<NewTokenFrame>
{
    /// <summary>Creates the frame.</summary>
    /// <exception cref="ArgumentException"><paramref name="token"/> is empty.</exception>
    public NewTokenFrame(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty)
        {
            throw new ArgumentException("A NEW_TOKEN frame carries a non-empty token (RFC 9000 §19.7).", nameof(token));
        }

        Token = token;
    }

    public ReadOnlySpan<byte> Token { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out NewTokenFrame frame)
    {
        // An empty token is a FRAME_ENCODING_ERROR (RFC 9000 §19.7).
        if (frameType == FrameType.NewToken
            && reader.TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> token)
            && !token.IsEmpty)
        {
            frame = new NewTokenFrame(token);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => 1 + VarInt.GetLength((ulong)Token.Length) + Token.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)FrameType.NewToken);
        writer.WriteVarIntLengthPrefixed(Token);
    }
}
