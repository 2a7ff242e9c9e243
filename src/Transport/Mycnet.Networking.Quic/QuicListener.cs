using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Runtime.Versioning;
using System.Threading.Channels;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Diagnostics;
using Mycnet.Networking.Quic.Driver;
using Mycnet.Networking.Quic.MsQuic;
using Mycnet.Networking.Quic.Tracing;

namespace Mycnet.Networking.Quic;

/// <summary>
/// Accepts QUIC connections on a UDP socket: many connections per socket, routed by connection ID.
/// </summary>
/// <remarks>
/// <para>Shaped like System.Net.Quic's <c>QuicListener</c>. The listener answers what no connection
/// can: Version Negotiation for unknown versions, Retry when <see cref="QuicListenerOptions.RequireRetry"/>
/// is set, and stateless resets for packets of connections it no longer has (RFC 9000 §10.3).</para>
/// <para>Disposal is graceful: the listener stops accepting (new clients are refused with
/// CONNECTION_REFUSED), connections that completed their handshake but were never accepted are
/// closed the same way, and connections already accepted keep working. The socket closes once the
/// last of them has finished.</para>
/// <para>Engines: <see cref="QuicListenerOptions.Engine"/> chooses. This type holds the managed
/// engine's endpoint, or an adapter over a System.Net.Quic listener (<c>MsQuic/MsQuicListener</c>)
/// that every operation is forwarded to. The msquic listener differs where System.Net.Quic gives no
/// control: no Retry, no stateless resets of its own choosing, and unaccepted connections are closed
/// with the default close error code rather than refused.</para>
/// </remarks>
public sealed class QuicListener : IAsyncDisposable
{
    private readonly EndpointDriver _endpoint = null!;
    private readonly ListenerSink _sink = null!;
    private readonly MsQuicListener? _msquic;
    private int _disposed;

    private QuicListener(QuicListenerOptions options)
    {
        QuicServerConnectionOptions server = options.ConnectionOptions!;
        _sink = new ListenerSink(server, options.ListenBacklog);
        _endpoint = EndpointDriver.CreateListener(options.ListenEndPoint!, options.UdpOffload, socket => CreateEndpointConfig(options, socket.MaxSegmentsPerSend), _sink, server.TimeProvider);
        LocalEndPoint = _endpoint.Socket.LocalEndPoint;
        _logger = DiagnosticsRegistry.Logger(server);
        if (_logger is not null)
        {
            QuicLog.ListenerStarted(_logger, LocalEndPoint, string.Join(",", options.ApplicationProtocols.Select(static p => p.ToString())));
        }
    }

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    private QuicListener(MsQuicListener msquic)
    {
        _msquic = msquic;
        LocalEndPoint = msquic.LocalEndPoint;
    }

    private readonly Microsoft.Extensions.Logging.ILogger? _logger;

    /// <summary>Whether QUIC listeners are available: always, the managed engine needs nothing from the platform (see <see cref="IsEngineSupported"/> for the others).</summary>
    public static bool IsSupported => true;

    /// <summary>The address and port the listener is bound to (the chosen port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The engine of this listener and of the connections it accepts.</summary>
    public QuicEngine Engine => IsMsQuic ? QuicEngine.MsQuic : QuicEngine.Managed;

    /// <summary>The listener's socket and routing, for tests (managed engine only).</summary>
    internal EndpointDriver Endpoint => _endpoint;

    /// <summary>Whether the msquic engine runs this listener (which exists only where System.Net.Quic is supported).</summary>
    [MemberNotNullWhen(true, nameof(_msquic))]
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    private bool IsMsQuic => _msquic is not null;

    /// <summary>
    /// Whether listeners of <paramref name="engine"/> can run on this host: the managed engine
    /// always; the msquic engine where System.Net.Quic finds a usable libmsquic.
    /// </summary>
    public static bool IsEngineSupported(QuicEngine engine) =>
        engine == QuicEngine.Managed || (engine == QuicEngine.MsQuic && MsQuicPlatform.IsListenerSupported);

    /// <summary>Binds the socket and starts accepting.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the parameter name says which).</exception>
    /// <exception cref="NotSupportedException">An option asks for what only the managed engine does, on the msquic engine.</exception>
    /// <exception cref="PlatformNotSupportedException">The msquic engine was asked for and this host has no usable libmsquic.</exception>
    /// <exception cref="QuicException">The address is in use or not local.</exception>
    public static ValueTask<QuicListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        QuicListenerOptions snapshot = options.Snapshot();
        QuicOptionsValidation.Validate(snapshot);
        cancellationToken.ThrowIfCancellationRequested();
        if (snapshot.Engine == QuicEngine.MsQuic)
        {
            return MsQuicPlatform.IsListenerSupported
                ? ListenMsQuicAsync(snapshot, cancellationToken)
                : ValueTask.FromException<QuicListener>(MsQuicPlatform.ListenerUnsupported());
        }

        return ValueTask.FromResult(new QuicListener(snapshot));
    }

    /// <summary>Waits for the next connection whose handshake completed.</summary>
    /// <exception cref="QuicException">The listener was disposed while waiting (<see cref="QuicError.OperationAborted"/>).</exception>
    public async ValueTask<QuicConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (IsMsQuic)
        {
            return await _msquic.AcceptConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        ChannelReader<QuicConnection> reader = _sink.Accepted.Reader;
        while (true)
        {
            if (reader.TryRead(out QuicConnection? connection))
            {
                _sink.ReleaseBacklog();
                return connection;
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new QuicException(QuicError.OperationAborted, null, "The listener was disposed.");
            }
        }
    }

    /// <summary>Stops accepting and refuses connections nobody accepted; returns once they have been told.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (IsMsQuic)
        {
            await _msquic.DisposeAsync().ConfigureAwait(false);
            return;
        }

        List<QuicConnection> unclaimed = _sink.Stop();
        _endpoint.StopAccepting();
        var refusals = new Task[unclaimed.Count];
        for (int i = 0; i < refusals.Length; i++)
        {
            refusals[i] = unclaimed[i].Driver.Refuse();
        }

        await Task.WhenAll(refusals).ConfigureAwait(false);
        if (_logger is not null)
        {
            QuicLog.ListenerStopped(_logger, LocalEndPoint, _sink.AcceptedCount);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"QuicListener {LocalEndPoint}{(IsMsQuic ? " (msquic)" : "")}";

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    private static async ValueTask<QuicListener> ListenMsQuicAsync(QuicListenerOptions options, CancellationToken cancellationToken) =>
        new(await MsQuicListener.ListenAsync(options, cancellationToken).ConfigureAwait(false));

    private static EndpointConfig CreateEndpointConfig(QuicListenerOptions options, int maxSegmentsPerTransmit)
    {
        QuicServerConnectionOptions server = options.ConnectionOptions!;
        return new EndpointConfig
        {
            ServerTransport = QuicOptionsMapping.ToTransportSettings(server, maxSegmentsPerTransmit),
            ServerTls = QuicOptionsMapping.ToTlsServerOptions(options, server, static () => ConnectionDriver.Current?.Owner),
            RequireRetry = options.RequireRetry,
            TracerFactory = (isServer, originalDestinationConnectionId) => ConnectionTracers.Create(isServer, originalDestinationConnectionId, server),
        };
    }

    /// <summary>The listener's side of its endpoint: the backlog and the queue of established connections.</summary>
    private sealed class ListenerSink : IListenerSink
    {
        private readonly Lock _gate = new();
        private readonly int _backlog;
        private int _backlogUsed;
        private bool _stopped;
        private long _acceptedCount;

        public ListenerSink(QuicServerConnectionOptions options, int backlog)
        {
            ConnectionOptions = options;
            _backlog = backlog;
        }

        public QuicServerConnectionOptions ConnectionOptions { get; }

        public Channel<QuicConnection> Accepted { get; } = Channel.CreateUnbounded<QuicConnection>();

        public bool TryReserveBacklog()
        {
            lock (_gate)
            {
                if (_stopped || _backlogUsed >= _backlog)
                {
                    return false;
                }

                _backlogUsed++;
                return true;
            }
        }

        /// <summary>Connections handed to the application so far.</summary>
        public long AcceptedCount => Interlocked.Read(ref _acceptedCount);

        public void ReleaseBacklog()
        {
            Interlocked.Increment(ref _acceptedCount);
            lock (_gate)
            {
                _backlogUsed--;
            }
        }

        public void OnEstablished(ConnectionDriver connection)
        {
            lock (_gate)
            {
                if (!_stopped)
                {
                    Accepted.Writer.TryWrite(connection.Owner);
                    return;
                }

                _backlogUsed--;
            }

            _ = connection.Refuse();
        }

        public void OnHandshakeFailed(ConnectionDriver connection) => ReleaseBacklog();

        /// <summary>Stops handing out connections; returns the ones established but never accepted.</summary>
        public List<QuicConnection> Stop()
        {
            List<QuicConnection> unclaimed = [];
            lock (_gate)
            {
                _stopped = true;
                Accepted.Writer.TryComplete(new QuicException(QuicError.OperationAborted, null, "The listener was disposed."));
                while (Accepted.Reader.TryRead(out QuicConnection? connection))
                {
                    unclaimed.Add(connection);
                    _backlogUsed--;
                }
            }

            return unclaimed;
        }
    }
}
