using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Interop.Transport;

/// <summary>
/// What the interop client and server need from a QUIC implementation beyond HTTP/3's use of streams:
/// connect and listen with the case's TLS and transport settings. The binding to the SDK's public
/// API implements this; the unit tests implement it in memory.
/// </summary>
internal interface IInteropQuic
{
    /// <summary>Connects and completes the handshake (ALPN "h3").</summary>
    ValueTask<IInteropConnection> ConnectAsync(InteropClientSettings settings, CancellationToken cancellationToken);

    /// <summary>Starts listening (ALPN "h3").</summary>
    ValueTask<IInteropListener> ListenAsync(InteropServerSettings settings, CancellationToken cancellationToken);
}

/// <summary>A listener handing out connections whose handshake completed.</summary>
internal interface IInteropListener : IAsyncDisposable
{
    EndPoint LocalEndPoint { get; }

    /// <summary>The next connection, or null once the listener is closed.</summary>
    ValueTask<IInteropConnection?> AcceptAsync(CancellationToken cancellationToken);
}

/// <summary>A QUIC connection as the interop cases use it.</summary>
internal interface IInteropConnection : IH3Transport
{
    /// <summary>What was negotiated (cipher suite, ALPN, addresses), for the run log.</summary>
    string Description { get; }

    /// <summary>Statistics worth logging once the connection ended (packets, losses, key updates, paths).</summary>
    string Statistics { get; }

    /// <summary>Initiates a QUIC key update (RFC 9001 §6), waiting first for the handshake to be confirmed.</summary>
    ValueTask UpdateKeysAsync(CancellationToken cancellationToken);
}

/// <summary>TLS cipher suite choices (RFC 9001 §5.3) a case can force.</summary>
internal enum InteropCipher
{
    /// <summary>The implementation's default list.</summary>
    Default,
    Aes128Gcm,
    Aes256Gcm,
    ChaCha20Poly1305,
}

/// <summary>Client settings: where to connect, what to trust, what to force.</summary>
internal sealed record InteropClientSettings(
    IPEndPoint Remote,
    string ServerName,
    X509Certificate2Collection TrustedRoots,
    InteropCipher Cipher,
    TimeSpan IdleTimeout,
    string? KeyLogFile,
    string? QlogDirectory);

/// <summary>Server settings: where to listen, which certificate, whether to force Retry.</summary>
internal sealed record InteropServerSettings(
    IPEndPoint Listen,
    X509Certificate2 Certificate,
    bool RequireRetry,
    InteropCipher Cipher,
    TimeSpan IdleTimeout,
    string? KeyLogFile,
    string? QlogDirectory);
