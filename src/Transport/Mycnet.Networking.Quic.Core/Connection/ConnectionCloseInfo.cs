namespace Mycnet.Networking.Quic.Core;

/// <summary>Why a connection ended.</summary>
internal enum CloseReason
{
    /// <summary>This side closed it (<see cref="Connection.Close"/>), or detected a protocol error and closed it.</summary>
    LocallyClosed,

    /// <summary>The peer sent CONNECTION_CLOSE.</summary>
    PeerClosed,

    /// <summary>No packet arrived within the idle timeout (RFC 9000 §10.1).</summary>
    IdleTimeout,

    /// <summary>The handshake did not finish within the configured handshake timeout.</summary>
    HandshakeTimeout,

    /// <summary>The peer sent a stateless reset (RFC 9000 §10.3).</summary>
    StatelessReset,

    /// <summary>The server speaks none of our versions (RFC 9000 §6.2).</summary>
    VersionNegotiationFailed,
}

/// <summary>How a connection ended: who, the error space, the code, the frame type and the reason phrase.</summary>
internal sealed record ConnectionCloseInfo(
    CloseReason Reason,
    bool IsApplicationError,
    ulong ErrorCode,
    ulong FrameType,
    string ReasonPhrase)
{
    /// <summary>The transport error code when <see cref="IsApplicationError"/> is false.</summary>
    public TransportErrorCode TransportError => IsApplicationError ? TransportErrorCode.NoError : (TransportErrorCode)ErrorCode;

    public override string ToString() =>
        $"{Reason}: {(IsApplicationError ? "application" : "transport")} error 0x{ErrorCode:x}" +
        (FrameType != 0 ? $" (frame 0x{FrameType:x})" : string.Empty) +
        (ReasonPhrase.Length > 0 ? $" \"{ReasonPhrase}\"" : string.Empty);
}
