namespace Mycnet.Networking.Interop.Transport;

/// <summary>
/// The slice of one QUIC connection that HTTP/3 uses (RFC 9114 §6): open and accept bidirectional and
/// unidirectional streams, close with an application error code. This is the seam between the HTTP/3
/// code and a QUIC implementation: the SDK's public API (<c>QuicConnection</c>) behind an adapter, or
/// the in-memory pair the unit tests use. Shaped after System.Net.Quic so the adapter is a few lines.
/// </summary>
internal interface IH3Transport : IAsyncDisposable
{
    /// <summary>True for the client end of the connection.</summary>
    bool IsClient { get; }

    /// <summary>True once the connection is closed (by either side, or by the transport); streams then fail.</summary>
    bool IsClosed { get; }

    /// <summary>Opens a stream, waiting while the peer's stream limit is reached.</summary>
    ValueTask<IH3Stream> OpenStreamAsync(bool bidirectional, CancellationToken cancellationToken);

    /// <summary>The next stream the peer opened, or null once the connection is closed.</summary>
    ValueTask<IH3Stream?> AcceptStreamAsync(CancellationToken cancellationToken);

    /// <summary>Closes the connection with an application error code (RFC 9000 §10.2, CONNECTION_CLOSE 0x1d).</summary>
    ValueTask CloseAsync(long applicationErrorCode, CancellationToken cancellationToken);
}
