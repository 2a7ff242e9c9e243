namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// A run of PADDING frames (RFC 9000 §19.1): each is a single 0x00 byte with no content. Parsing
/// consumes the whole run of consecutive zero bytes at once, so a padded packet costs one call.
/// </summary>
internal readonly struct PaddingFrame : IQuicFrame<PaddingFrame>
{
    /// <summary>Creates a run of <paramref name="length"/> PADDING frames (at least one).</summary>
    public PaddingFrame(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        Length = length;
    }

    /// <summary>The number of PADDING bytes in the run, including the first (already consumed) type byte.</summary>
    public int Length { get; }

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out PaddingFrame frame)
    {
        if (frameType != FrameType.Padding)
        {
            frame = default;
            return false;
        }

        ReadOnlySpan<byte> rest = reader.RemainingSpan;
        int zeros = rest.IndexOfAnyExcept((byte)0);
        if (zeros < 0)
        {
            zeros = rest.Length;
        }

        reader.TrySkip(zeros);
        frame = new PaddingFrame(zeros + 1);
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() => Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer) => writer.WriteZeros(Length);
}
