using System.Net;
using System.Threading.Channels;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Diagnostics;
using Mycnet.Networking.Quic.Driver;
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
/// </remarks>
public sealed class QuicListener : IAsyncDisposable
{
    private readonly EndpointDriver _endpoint;
    private readonly ListenerSink _sink;
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

    private readonly Microsoft.Extensions.Logging.ILogger? _logger;

    /// <summary>Whether QUIC listeners are available: always, the managed engine needs nothing from the platform.</summary>
    public static bool IsSupported => true;

    /// <summary>The address and port the listener is bound to (the chosen port when 0 was asked for).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The listener's socket and routing, for tests.</summary>
    internal EndpointDriver Endpoint => _endpoint;

    /// <summary>Binds the socket and starts accepting.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the parameter name says which).</exception>
    /// <exception cref="QuicException">The address is in use or not local.</exception>
    public static ValueTask<QuicListener> ListenAsync(QuicListenerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        QuicListenerOptions snapshot = options.Snapshot();
        QuicOptionsValidation.Validate(snapshot);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(new QuicListener(snapshot));
    }

    /// <summary>Waits for the next connection whose handshake completed.</summary>
    /// <exception cref="QuicException">The listener was disposed while waiting (<see cref="QuicError.OperationAborted"/>).</exception>
    public async ValueTask<QuicConnection> AcceptConnectionAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
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
    public override string ToString() => $"QuicListener {LocalEndPoint}";

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
