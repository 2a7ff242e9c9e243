using System.Net;
using System.Net.Sockets;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Quic.Sockets;
using Mycnet.Networking.Quic.Tracing;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// One UDP socket and the sans-IO <see cref="Endpoint"/> behind it: the receive loop routes each
/// datagram by connection ID to its connection's queue, lets the core accept new connections,
/// and sends the core's stateless answers (Version Negotiation, Retry, stateless reset).
/// </summary>
/// <remarks>
/// <para>The core endpoint is not thread-safe; <see cref="_lock"/> guards it and the table of
/// connection drivers. The receive loop takes it per datagram batch; connection workers take it
/// briefly to sync their routing (new and retired connection IDs) and to leave. A listener's
/// endpoint lives until it stops accepting and its last connection has terminated; an outgoing
/// connection's endpoint lives as long as that connection.</para>
/// </remarks>
internal sealed class EndpointDriver : IDatagramReceiver
{
    private readonly Lock _lock = new();
    private readonly Endpoint _endpoint;
    private readonly Dictionary<Connection, ConnectionDriver> _connections = new(ReferenceEqualityComparer.Instance);
    private readonly byte[] _responseBuffer = new byte[2048];
    private DeliveryGroup[] _groups = new DeliveryGroup[8];
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IListenerSink? _listener;
    private bool _accepting;
    private bool _socketClosed;

    private EndpointDriver(UdpSocket socket, DriverClock clock, EndpointConfig config, IListenerSink? listener)
    {
        Socket = socket;
        Clock = clock;
        _endpoint = new Endpoint(config);
        _listener = listener;
        _accepting = listener is not null;
    }

    /// <summary>Buffers of datagrams queued for busy connections.</summary>
    public InboundBufferPool InboundBuffers { get; } = new();

    /// <summary>The socket; connection workers send on it.</summary>
    public UdpSocket Socket { get; }

    public DriverClock Clock { get; }

    /// <summary>Completes when the socket is closed and the receive loop has ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Connections routed by this endpoint now (including closing ones).</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _connections.Count;
            }
        }
    }

    /// <summary>Binds a listener's socket and starts receiving.</summary>
    public static EndpointDriver CreateListener(IPEndPoint bindTo, QuicUdpOffload offload, EndpointConfigFactory configFactory, IListenerSink listener, TimeProvider timeProvider)
    {
        UdpSocket socket = UdpSocketFactory.Create(bindTo, offload, isListener: true);
        try
        {
            var driver = new EndpointDriver(socket, new DriverClock(timeProvider), configFactory(socket), listener);
            driver.StartReceiving();
            return driver;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Binds an outgoing connection's socket and starts receiving.</summary>
    public static EndpointDriver CreateClient(IPEndPoint bindTo, QuicUdpOffload offload, TimeProvider timeProvider, Func<AddressFamily, Socket>? socketFactory = null)
    {
        UdpSocket socket = UdpSocketFactory.Create(bindTo, offload, isListener: false, socketFactory);
        var driver = new EndpointDriver(socket, new DriverClock(timeProvider), new EndpointConfig(), listener: null);
        driver.StartReceiving();
        return driver;
    }

    /// <summary>Creates an outgoing connection on this endpoint and schedules its first flight.</summary>
    public ConnectionDriver Connect(QuicConnection owner, QuicClientConnectionOptions options, TransportSettings settings, TlsClientOptions tls, IPEndPoint remote)
    {
        var driver = new ConnectionDriver(this, owner, options, isServer: false);
        // The core reports the original DCID (the qlog group id) with the first trace event, so the
        // tracer can be made before the connection exists.
        IConnectionTracer? tracer = ConnectionTracers.Create(isServer: false, default, options);
        lock (_lock)
        {
            Connection core = _endpoint.Connect(Clock.Now, settings, tls, Socket.LocalEndPoint, remote, tracer);
            driver.Attach(core);
            _connections.Add(core, driver);
        }

        owner.Attach(driver);
        driver.Wake();
        return driver;
    }

    /// <summary>
    /// Input from the receive loop: routes, accepts or answers every datagram of the batch. Routing
    /// happens under the endpoint lock; delivery to the connections after it, so a connection's pass
    /// (which may run right here) never holds up other connections' routing.
    /// </summary>
    public void OnDatagrams(Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        int segment = segmentSize <= 0 || segmentSize > data.Length ? data.Length : segmentSize;
        Instant now = Clock.Now;
        int groups = 0;
        lock (_lock)
        {
            // Consecutive datagrams for the same connection (a GRO batch) travel to it together.
            ConnectionDriver? group = null;
            int groupStart = 0;
            for (int offset = 0; offset < data.Length; offset += segment)
            {
                int length = Math.Min(segment, data.Length - offset);
                EndpointResult result;
                try
                {
                    result = _endpoint.HandleDatagram(now, local, remote, data.Slice(offset, length), ecn, _responseBuffer);
                }
                catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or QuicProtocolException)
                {
                    // The core promises not to throw on peer input; if it does, drop the datagram, keep the socket.
                    result = EndpointResult.Dropped;
                }

                ConnectionDriver? target = result.Kind == EndpointResultKind.Routed && _connections.TryGetValue(result.Connection!, out ConnectionDriver? routed) ? routed : null;
                if (target != group)
                {
                    AddGroup(ref groups, group, groupStart, offset);
                    group = target;
                    groupStart = offset;
                }

                if (result.Kind == EndpointResultKind.Accepted)
                {
                    OnAccepted(result.Connection!, now);
                }
                else if (result.Kind == EndpointResultKind.Response)
                {
                    Transmit response = result.Response;
                    Socket.Send(_responseBuffer.AsSpan(0, response.Length), response.Length, response.Local, response.Remote, EcnCodepoint.NotEct);
                }
            }

            AddGroup(ref groups, group, groupStart, data.Length);
        }

        for (int i = 0; i < groups; i++)
        {
            DeliveryGroup delivery = _groups[i];
            _groups[i] = default;
            delivery.Driver!.DeliverDatagrams(data[delivery.Start..delivery.End], segment, local, remote, ecn);
        }
    }

    private void AddGroup(ref int count, ConnectionDriver? driver, int start, int end)
    {
        if (driver is null || end <= start)
        {
            return;
        }

        if (count == _groups.Length)
        {
            Array.Resize(ref _groups, count * 2);
        }

        _groups[count++] = new DeliveryGroup(driver, start, end);
    }

    /// <summary>Routes the connection IDs a connection issued or retired (after every pass of its worker).</summary>
    public void SyncRouting(Connection connection)
    {
        lock (_lock)
        {
            _endpoint.SyncRouting(connection);
        }
    }

    /// <summary>Forgets a terminated connection; closes the socket when nothing uses it any more.</summary>
    public void Remove(ConnectionDriver driver)
    {
        bool close;
        lock (_lock)
        {
            _endpoint.Remove(driver.Core);
            _connections.Remove(driver.Core);
            close = !_accepting && _connections.Count == 0;
        }

        if (close)
        {
            CloseSocket();
        }
    }

    /// <summary>A listener stops accepting: new clients are refused; the socket closes once the last connection has terminated.</summary>
    public void StopAccepting()
    {
        bool close;
        lock (_lock)
        {
            _accepting = false;
            close = _connections.Count == 0;
        }

        if (close)
        {
            CloseSocket();
        }
    }

    /// <summary>Closes the socket now, whatever still uses it (the last resort when a connection could not be created).</summary>
    public void CloseSocket()
    {
        lock (_lock)
        {
            if (_socketClosed)
            {
                return;
            }

            _socketClosed = true;
        }

        Socket.Dispose();
    }

    /// <summary>A server connection completed its handshake.</summary>
    public void OnServerConnectionEstablished(ConnectionDriver driver)
    {
        if (driver.CountsAgainstBacklog)
        {
            _listener!.OnEstablished(driver);
        }
    }

    /// <summary>A server connection closed before its handshake completed.</summary>
    public void OnServerHandshakeFailed(ConnectionDriver driver)
    {
        if (driver.CountsAgainstBacklog)
        {
            _listener!.OnHandshakeFailed(driver);
        }
    }

    private void OnAccepted(Connection core, Instant now)
    {
        IListenerSink listener = _listener!;
        var owner = new QuicConnection();
        var driver = new ConnectionDriver(this, owner, listener.ConnectionOptions, isServer: true);
        driver.Attach(core);
        owner.Attach(driver);
        _connections.Add(core, driver);
        if (_accepting && listener.TryReserveBacklog())
        {
            driver.CountsAgainstBacklog = true;
        }
        else
        {
            // RFC 9000 §20.1: CONNECTION_REFUSED while shutting down or over the backlog.
            core.CloseWithTransportError(now, TransportErrorCode.ConnectionRefused, _accepting ? "The server's backlog is full." : "The server is not accepting connections.");
        }

        driver.Wake();
    }

    private void StartReceiving()
    {
        _ = RunReceiveLoopAsync();
    }

    private async Task RunReceiveLoopAsync()
    {
        try
        {
            await Task.Yield();
            await Socket.RunReceiveLoopAsync(this).ConfigureAwait(false);
        }
        finally
        {
            CloseSocket();
            _endpoint.Dispose();
            _closed.TrySetResult();
        }
    }
}

/// <summary>Datagrams of one receive that go to one connection (receive loop only).</summary>
internal readonly record struct DeliveryGroup(ConnectionDriver? Driver, int Start, int End);

/// <summary>Builds the core endpoint configuration once the socket is bound (GSO support is known then).</summary>
internal delegate EndpointConfig EndpointConfigFactory(UdpSocket socket);

/// <summary>What an endpoint driver tells the listener that owns it.</summary>
internal interface IListenerSink
{
    /// <summary>The options of accepted connections.</summary>
    QuicServerConnectionOptions ConnectionOptions { get; }

    /// <summary>Takes a backlog slot for a new connection; false when the backlog is full (under the endpoint lock: be quick).</summary>
    bool TryReserveBacklog();

    /// <summary>A reserved connection completed its handshake.</summary>
    void OnEstablished(ConnectionDriver connection);

    /// <summary>A reserved connection failed before its handshake completed.</summary>
    void OnHandshakeFailed(ConnectionDriver connection);
}
