namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// CRYPTO (RFC 9000 §19.6): TLS handshake bytes at an offset in the crypto stream of one encryption
/// level. <see cref="Data"/> is a slice of the decrypted packet: process or copy it before the packet
/// buffer is reused.
/// </summary>
internal readonly ref struct CryptoFrame : IQuicFrame<CryptoFrame>
{
    public CryptoFrame(ulong offset, ReadOnlySpan<byte> data)
    {
        Offset = offset;
        Data = data;
    }

    /// <summary>The byte offset of <see cref="Data"/> in the crypto stream.</summary>
    public ulong Offset { get; }

    public ReadOnlySpan<byte> Data { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out CryptoFrame frame)
    {
        // The sum of offset and length cannot exceed 2^62 - 1: FRAME_ENCODING_ERROR (RFC 9000 §19.6).
        if (frameType == FrameType.Crypto
            && reader.TryReadVarInt(out ulong offset)
            && reader.TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> data)
            && (ulong)data.Length <= VarInt.MaxValue - offset)
        {
            frame = new CryptoFrame(offset, data);
            return true;
        }

        frame = default;
        return false;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => GetHeaderLength(Offset, Data.Length) + Data.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        WriteHeader(ref writer, Offset, Data.Length);
        writer.WriteBytes(Data);
    }

    /// <summary>The length of the type, Offset and Length fields for <paramref name="dataLength"/> bytes of data.</summary>
    public static int GetHeaderLength(ulong offset, int dataLength) =>
        1 + VarInt.GetLength(offset) + VarInt.GetLength((ulong)dataLength);

    /// <summary>
    /// Writes the type, Offset and Length fields; the caller then writes exactly
    /// <paramref name="dataLength"/> data bytes (e.g. copies from its send buffer into
    /// <see cref="WireWriter.Free"/> and calls <see cref="WireWriter.Advance"/>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">offset + length exceeds 2^62 − 1, or the length is negative.</exception>
    public static void WriteHeader(ref WireWriter writer, ulong offset, int dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        if (offset > VarInt.MaxValue || (ulong)dataLength > VarInt.MaxValue - offset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "CRYPTO offset + length exceeds 2^62 - 1.");
        }

        writer.WriteByte((byte)FrameType.Crypto);
        writer.WriteVarInt(offset);
        writer.WriteVarInt((ulong)dataLength);
    }

    /// <summary>
    /// How many data bytes a CRYPTO frame at <paramref name="offset"/> can carry in
    /// <paramref name="availableBytes"/> bytes, header included; -1 when not even the header fits.
    /// </summary>
    public static int GetMaxDataLength(ulong offset, int availableBytes)
    {
        long room = (long)availableBytes - 1 - VarInt.GetLength(offset);
        return FrameSizing.CapToOffsetLimit(FrameSizing.GetMaxLengthPrefixedData(room), offset);
    }
}
