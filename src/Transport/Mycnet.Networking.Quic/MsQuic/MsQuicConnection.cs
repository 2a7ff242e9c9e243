using System.Net;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// The msquic engine's side of a <see cref="QuicConnection"/>: a System.Net.Quic connection whose
/// operations are forwarded one call each, errors mapped to the SDK's <see cref="QuicException"/>.
/// </summary>
/// <remarks>
/// <para>Semantics match the managed engine where System.Net.Quic has the operation: opening a
/// stream waits for the peer's stream limit, accepting waits for the peer's next stream, closing
/// sends CONNECTION_CLOSE with the application's code, disposal closes with
/// <see cref="QuicConnectionOptions.DefaultCloseErrorCode"/>. What System.Net.Quic lacks —
/// datagrams, PING, statistics, key updates — the public type refuses with
/// <see cref="NotSupportedException"/> before it gets here.</para>
/// <para>msquic runs the protocol on its own threads; this class holds no state of its own beyond
/// the wrapped connection.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class MsQuicConnection
{
    private readonly NetQuic.QuicConnection _connection;

    public MsQuicConnection(NetQuic.QuicConnection connection, bool isServer)
    {
        _connection = connection;
        IsServer = isServer;
    }

    public bool IsServer { get; }

    public IPEndPoint LocalEndPoint => QuicConnection.Unmap(_connection.LocalEndPoint)!;

    public IPEndPoint RemoteEndPoint => QuicConnection.Unmap(_connection.RemoteEndPoint)!;

    public SslApplicationProtocol NegotiatedApplicationProtocol => _connection.NegotiatedApplicationProtocol;

    public TlsCipherSuite NegotiatedCipherSuite => _connection.NegotiatedCipherSuite;

    public X509Certificate2? RemoteCertificate => _connection.RemoteCertificate as X509Certificate2;

    public string TargetHostName => _connection.TargetHostName;

    /// <summary>
    /// Connects <paramref name="owner"/> (the public connection, which the certificate validation
    /// callback receives) over msquic. <paramref name="options"/> are validated.
    /// </summary>
    public static async ValueTask ConnectAsync(QuicConnection owner, QuicClientConnectionOptions options, IPEndPoint remote, string targetHost, CancellationToken cancellationToken)
    {
        NetQuic.QuicClientConnectionOptions mapped = MsQuicOptionsMapping.ToClientOptions(options, remote, targetHost, owner);
        Task<NetQuic.QuicConnection> connecting = NetQuic.QuicConnection.ConnectAsync(mapped, cancellationToken).AsTask();
        NetQuic.QuicConnection connection;
        try
        {
            // Cancellation returns at once, as on the managed engine; System.Net.Quic abandons the
            // attempt in the background (it waits out msquic's closing period first).
            connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ = AbandonAsync(connecting);
            throw;
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw HandshakeError(MsQuicErrorMapping.Map(e));
        }

        owner.Attach(new MsQuicConnection(connection, isServer: false));
    }

    /// <summary>
    /// msquic ends a handshake that heard nothing back either as a timeout or as idle, depending on
    /// its timers; before the handshake completed both are the SDK's
    /// <see cref="QuicError.ConnectionTimeout"/> (the idle error is for established connections).
    /// </summary>
    private static Exception HandshakeError(Exception error) =>
        error is QuicException { QuicError: QuicError.ConnectionIdle } idle
            ? new QuicException(QuicError.ConnectionTimeout, null, "The handshake did not complete: nothing came back from the server in time.", idle.InnerException)
            : error;

    /// <summary>Waits out an abandoned attempt; one that completed after all is closed.</summary>
    private static async Task AbandonAsync(Task<NetQuic.QuicConnection> connecting)
    {
        try
        {
            NetQuic.QuicConnection late = await connecting.ConfigureAwait(false);
            await late.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException || MsQuicErrorMapping.IsMapped(e))
        {
            // The attempt ended as asked.
        }
    }

    public async ValueTask<QuicStream> OpenOutboundStreamAsync(QuicStreamType type, CancellationToken cancellationToken)
    {
        NetQuic.QuicStreamType mapped = type == QuicStreamType.Bidirectional ? NetQuic.QuicStreamType.Bidirectional : NetQuic.QuicStreamType.Unidirectional;
        try
        {
            NetQuic.QuicStream stream = await _connection.OpenOutboundStreamAsync(mapped, cancellationToken).ConfigureAwait(false);
            return MsQuicStream.Wrap(stream, isLocal: true);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }

    public async ValueTask<QuicStream> AcceptInboundStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            NetQuic.QuicStream stream = await _connection.AcceptInboundStreamAsync(cancellationToken).ConfigureAwait(false);
            return MsQuicStream.Wrap(stream, isLocal: false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }

    public async ValueTask CloseAsync(long errorCode, CancellationToken cancellationToken)
    {
        try
        {
            await _connection.CloseAsync(errorCode, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }
}
