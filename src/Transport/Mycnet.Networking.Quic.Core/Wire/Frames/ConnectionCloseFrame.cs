namespace Mycnet.Networking.Quic.Core.Wire;

/// <summary>
/// CONNECTION_CLOSE (RFC 9000 §19.19): type 0x1c closes with a QUIC transport error and names the frame
/// type that triggered it; type 0x1d closes with an application error and has no frame type field.
/// <see cref="ReasonPhrase"/> is a slice of the packet (UTF-8 by convention, never validated here).
/// </summary>
internal readonly ref struct ConnectionCloseFrame : IQuicFrame<ConnectionCloseFrame>
{
    private ConnectionCloseFrame(bool isApplicationError, ulong errorCode, ulong triggeringFrameType, ReadOnlySpan<byte> reasonPhrase)
    {
        IsApplicationError = isApplicationError;
        ErrorCode = errorCode;
        TriggeringFrameType = triggeringFrameType;
        ReasonPhrase = reasonPhrase;
    }

    /// <summary>True for type 0x1d (application error), false for 0x1c (transport error).</summary>
    public bool IsApplicationError { get; }

    /// <summary>The transport error code (<see cref="TransportErrorCode"/>) or the application error code.</summary>
    public ulong ErrorCode { get; }

    /// <summary>The type of the frame that triggered a transport error (0 when unknown); always 0 for 0x1d.</summary>
    public ulong TriggeringFrameType { get; }

    public ReadOnlySpan<byte> ReasonPhrase { get; }

    /// <summary>A CONNECTION_CLOSE of type 0x1c.</summary>
    public static ConnectionCloseFrame Transport(ulong errorCode, ulong triggeringFrameType, ReadOnlySpan<byte> reasonPhrase) =>
        new(isApplicationError: false, errorCode, triggeringFrameType, reasonPhrase);

    /// <summary>A CONNECTION_CLOSE of type 0x1d.</summary>
    public static ConnectionCloseFrame Application(ulong errorCode, ReadOnlySpan<byte> reasonPhrase) =>
        new(isApplicationError: true, errorCode, 0, reasonPhrase);

    /// <inheritdoc/>
    public static bool TryParse(ref WireReader reader, ulong frameType, out ConnectionCloseFrame frame)
    {
        frame = default;
        bool application = frameType == FrameType.ConnectionCloseApplication;
        if ((!application && frameType != FrameType.ConnectionClose) || !reader.TryReadVarInt(out ulong errorCode))
        {
            return false;
        }

        ulong triggeringType = 0;
        if (!application && !reader.TryReadVarInt(out triggeringType))
        {
            return false;
        }

        // A reason phrase length beyond the packet is a FRAME_ENCODING_ERROR.
        if (!reader.TryReadVarIntLengthPrefixed(out ReadOnlySpan<byte> reason))
        {
            return false;
        }

        frame = new ConnectionCloseFrame(application, errorCode, triggeringType, reason);
        return true;
    }

    /// <inheritdoc/>
    public int GetEncodedLength() =>
        1 + VarInt.GetLength(ErrorCode)
        + (IsApplicationError ? 0 : VarInt.GetLength(TriggeringFrameType))
        + VarInt.GetLength((ulong)ReasonPhrase.Length) + ReasonPhrase.Length;

    /// <inheritdoc/>
    public void Write(ref WireWriter writer)
    {
        writer.WriteByte((byte)(IsApplicationError ? FrameType.ConnectionCloseApplication : FrameType.ConnectionClose));
        writer.WriteVarInt(ErrorCode);
        if (!IsApplicationError)
        {
            writer.WriteVarInt(TriggeringFrameType);
        }

        writer.WriteVarIntLengthPrefixed(ReasonPhrase);
    }
}
