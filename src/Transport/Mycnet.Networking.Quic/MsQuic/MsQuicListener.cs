using System.Net;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using System.Security.Authentication;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// The msquic engine's side of a <see cref="QuicListener"/>: a System.Net.Quic listener whose
/// accepted connections are handed out as the SDK's <see cref="QuicConnection"/>.
/// </summary>
/// <remarks>
/// <para>Each incoming connection gets its public <see cref="QuicConnection"/> when msquic asks for
/// its options (before its handshake), so a client-certificate validation callback receives the
/// same object that <see cref="AcceptConnectionAsync"/> later returns. Connections whose handshake
/// fails are skipped, as the managed listener skips them.</para>
/// <para>Differences from the managed listener, which System.Net.Quic does not let an adapter
/// change: on disposal, connections that completed their handshake but were never accepted are
/// closed with <see cref="QuicConnectionOptions.DefaultCloseErrorCode"/> (an application close)
/// rather than refused with CONNECTION_REFUSED, and clients arriving after disposal get no answer
/// instead of a refusal. msquic shares a UDP port among listeners with different ALPNs; a second
/// listener with the same address and ALPN fails with <see cref="QuicError.AddressInUse"/>.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class MsQuicListener
{
    private readonly QuicListenerOptions _options;
    private readonly SslStreamCertificateContext _certificate;
    private readonly ConditionalWeakTable<NetQuic.QuicConnection, QuicConnection> _owners = [];
    private NetQuic.QuicListener _listener = null!;
    private int _disposed;

    private MsQuicListener(QuicListenerOptions options)
    {
        _options = options;
        _certificate = MsQuicOptionsMapping.ServerCertificate(options.ConnectionOptions!);
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Starts listening with validated <paramref name="options"/>.</summary>
    public static async ValueTask<MsQuicListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken)
    {
        var listener = new MsQuicListener(options);
        var mapped = new NetQuic.QuicListenerOptions
        {
            ListenEndPoint = options.ListenEndPoint!,
            ApplicationProtocols = [.. options.ApplicationProtocols],
            ListenBacklog = options.ListenBacklog,
            ConnectionOptionsCallback = listener.SelectOptionsAsync,
        };
        try
        {
            listener._listener = await NetQuic.QuicListener.ListenAsync(mapped, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }

        return listener;
    }

    /// <summary>
    /// The next connection whose handshake completed. System.Net.Quic reports an incoming
    /// connection whose handshake failed from its accept call; the managed listener never shows
    /// those, so neither does this one: it goes on waiting.
    /// </summary>
    public async ValueTask<QuicConnection> AcceptConnectionAsync(CancellationToken cancellationToken)
    {
        NetQuic.QuicConnection accepted;
        while (true)
        {
            try
            {
                accepted = await _listener.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (Volatile.Read(ref _disposed) != 0 && e is ObjectDisposedException or NetQuic.QuicException)
            {
                throw new QuicException(QuicError.OperationAborted, null, "The listener was disposed.", e);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is NetQuic.QuicException or AuthenticationException or OperationCanceledException)
            {
                // One client's handshake failed (rejected certificate, timeout, refused): not the listener's concern.
            }
        }

        if (!_owners.TryGetValue(accepted, out QuicConnection? owner))
        {
            owner = new QuicConnection();
        }

        _owners.Remove(accepted);
        owner.Attach(new MsQuicConnection(accepted, isServer: true));
        return owner;
    }

    public ValueTask DisposeAsync()
    {
        Volatile.Write(ref _disposed, 1);
        return _listener.DisposeAsync();
    }

    private ValueTask<NetQuic.QuicServerConnectionOptions> SelectOptionsAsync(NetQuic.QuicConnection connection, SslClientHelloInfo clientHello, CancellationToken cancellationToken)
    {
        var owner = new QuicConnection();
        _owners.AddOrUpdate(connection, owner);
        return ValueTask.FromResult(MsQuicOptionsMapping.ToServerOptions(_options, _certificate, owner));
    }
}
