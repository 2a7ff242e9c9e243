using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Driver;
using Mycnet.Networking.Quic.MsQuic;

namespace Mycnet.Networking.Quic;

/// <summary>
/// A QUIC connection (RFC 9000): outgoing from <see cref="ConnectAsync"/>, or accepted by
/// <see cref="QuicListener.AcceptConnectionAsync"/>, on the engine the options chose
/// (<see cref="QuicEngine"/>).
/// </summary>
/// <remarks>
/// <para>Shaped like System.Net.Quic's <c>QuicConnection</c>. Every operation may be called from any
/// thread. Once the connection has closed — by <see cref="CloseAsync"/>, by the peer, by the idle
/// timeout — every operation fails with a <see cref="QuicException"/>.</para>
/// <para>On the managed engine the connection runs on its own worker (one thread at a time, on the
/// thread pool); an outgoing connection has its own UDP socket, closed when the connection has
/// finished (after the closing period of RFC 9000 §10.2 that follows <see cref="DisposeAsync"/>).</para>
/// <para>Engines: this type holds the managed engine's driver, or — on the msquic engine — an
/// adapter over a System.Net.Quic connection (<c>MsQuic/MsQuicConnection</c>), to which every
/// operation is forwarded in one call after the checks both engines share. Operations the msquic
/// engine has no counterpart for (datagrams, PING, statistics) throw
/// <see cref="NotSupportedException"/> naming the managed engine; <see cref="Capabilities"/> lists
/// them in advance.</para>
/// </remarks>
public sealed class QuicConnection : IAsyncDisposable
{
    private const string DatagramsFeature = "Datagrams (RFC 9221)";

    private ConnectionDriver _driver = null!;
    private MsQuicConnection? _msquic;
    private string? _targetHostName;
    private int _disposed;

    internal QuicConnection()
    {
    }

    /// <summary>Whether QUIC is available: always, the managed engine needs nothing from the platform (see <see cref="IsEngineSupported"/> for the others).</summary>
    public static bool IsSupported => true;

    /// <summary>
    /// The local address of the connection's current path. For a socket bound to a wildcard
    /// address, the address the peer's datagrams arrive on (once one has arrived).
    /// </summary>
    public IPEndPoint LocalEndPoint => IsMsQuic ? _msquic.LocalEndPoint : Unmap(Concrete(_driver.LocalEndPointSnapshot!, _driver.LastLocalEndPoint))!;

    /// <summary>The peer's address on the connection's current path (it may change when the peer migrates).</summary>
    public IPEndPoint RemoteEndPoint => IsMsQuic ? _msquic.RemoteEndPoint : Unmap(_driver.RemoteEndPointSnapshot)!;

    /// <summary>The application protocol (ALPN) both sides agreed on.</summary>
    public SslApplicationProtocol NegotiatedApplicationProtocol => IsMsQuic ? _msquic.NegotiatedApplicationProtocol : _driver.NegotiatedApplicationProtocol;

    /// <summary>The TLS 1.3 cipher suite protecting the connection.</summary>
    public TlsCipherSuite NegotiatedCipherSuite => IsMsQuic ? _msquic.NegotiatedCipherSuite : _driver.NegotiatedCipherSuite;

    /// <summary>The peer's certificate: the server's at a client, the client's (if it sent one) at a server.</summary>
    public X509Certificate2? RemoteCertificate => IsMsQuic ? _msquic.RemoteCertificate : _driver.RemoteCertificate;

    /// <summary>The server name: the target host at a client, the client's SNI at a server (empty when it sent none).</summary>
    public string TargetHostName => _targetHostName ?? (IsMsQuic ? _msquic.TargetHostName : _driver.ServerName) ?? string.Empty;

    /// <summary>What the engine behind this connection supports, and which engine it is.</summary>
    public QuicCapabilities Capabilities => IsMsQuic ? QuicCapabilities.MsQuicEngine : QuicCapabilities.ManagedEngine;

    /// <summary>
    /// The largest datagram payload <see cref="SendDatagramAsync"/> accepts now: limited by the peer's
    /// max_datagram_frame_size and the path's datagram size (RFC 9221 §3); 0 when the peer accepts
    /// none, and always 0 on the msquic engine, which has no datagrams.
    /// </summary>
    public int MaxDatagramSize => IsMsQuic ? 0 : _driver.MaxDatagramSizeSnapshot;

    internal ConnectionDriver Driver => _driver;

    /// <summary>Whether the msquic engine runs this connection (which exists only where System.Net.Quic is supported).</summary>
    [MemberNotNullWhen(true, nameof(_msquic))]
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    private bool IsMsQuic => _msquic is not null;

    /// <summary>
    /// Whether <paramref name="engine"/> can run on this host: the managed engine always; the msquic
    /// engine where System.Net.Quic finds a usable libmsquic.
    /// </summary>
    public static bool IsEngineSupported(QuicEngine engine) =>
        engine == QuicEngine.Managed || (engine == QuicEngine.MsQuic && MsQuicPlatform.IsConnectionSupported);

    /// <summary>
    /// Connects to a server: binds a UDP socket, runs the handshake, and returns once it completed.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (the parameter name says which).</exception>
    /// <exception cref="NotSupportedException">An option asks for what only the managed engine does, on the msquic engine.</exception>
    /// <exception cref="PlatformNotSupportedException">The msquic engine was asked for and this host has no usable libmsquic.</exception>
    /// <exception cref="QuicException">The handshake failed, timed out or was refused.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the attempt is abandoned and its socket closed.</exception>
    public static async ValueTask<QuicConnection> ConnectAsync(QuicClientConnectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        QuicClientConnectionOptions snapshot = options.Snapshot();
        QuicOptionsValidation.Validate(snapshot);
        cancellationToken.ThrowIfCancellationRequested();

        IPEndPoint remote = await ResolveAsync(snapshot, cancellationToken).ConfigureAwait(false);
        IPEndPoint bindTo = snapshot.LocalEndPoint
            ?? new IPEndPoint(remote.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        remote = MatchFamily(remote, bindTo);
        string targetHost = snapshot.TargetHost
            ?? (snapshot.RemoteEndPoint is DnsEndPoint dns && !IPAddress.TryParse(dns.Host, out _) ? dns.Host : Unmap(remote)!.Address.ToString());

        var connection = new QuicConnection { _targetHostName = targetHost };
        if (snapshot.Engine == QuicEngine.MsQuic)
        {
            if (!MsQuicPlatform.IsConnectionSupported)
            {
                throw MsQuicPlatform.ConnectionUnsupported();
            }

            await MsQuicConnection.ConnectAsync(connection, snapshot, Unmap(remote)!, targetHost, cancellationToken).ConfigureAwait(false);
            return connection;
        }

        EndpointDriver endpoint = EndpointDriver.CreateClient(bindTo, snapshot.UdpOffload, snapshot.TimeProvider, snapshot.SocketFactory);
        ConnectionDriver driver;
        try
        {
            TransportSettings settings = QuicOptionsMapping.ToTransportSettings(snapshot, endpoint.Socket.MaxSegmentsPerSend);
            TlsClientOptions tls = QuicOptionsMapping.ToTlsClientOptions(snapshot, targetHost, connection);
            driver = endpoint.Connect(connection, snapshot, settings, tls, remote);
        }
        catch
        {
            endpoint.CloseSocket();
            throw;
        }

        try
        {
            await driver.Connected.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return connection;
    }

    /// <summary>
    /// Opens a stream. Waits while the peer's limit on concurrent streams of that type is reached
    /// (RFC 9000 §4.6) until the peer allows another.
    /// </summary>
    /// <exception cref="QuicException">The connection closed.</exception>
    public async ValueTask<QuicStream> OpenOutboundStreamAsync(QuicStreamType type, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "Unidirectional or Bidirectional.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (IsMsQuic)
        {
            return await _msquic.OpenOutboundStreamAsync(type, cancellationToken).ConfigureAwait(false);
        }

        var request = new OpenStreamRequest(type == QuicStreamType.Bidirectional);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static (state, token) => ((OpenStreamRequest)state!).Cancel(token), request);
        _driver.PostInline(request);
        return await request.Task.ConfigureAwait(false);
    }

    /// <summary>Waits for the next stream the peer opens.</summary>
    /// <exception cref="QuicException">The connection closed.</exception>
    public ValueTask<QuicStream> AcceptInboundStreamAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return IsMsQuic ? _msquic.AcceptInboundStreamAsync(cancellationToken) : ReadAsync(_driver.AcceptedStreams, cancellationToken);
    }

    /// <summary>
    /// Sends an unreliable datagram (RFC 9221). Completes once the engine queued it; it may still be
    /// lost. Waits while the engine's datagram queue is full.
    /// </summary>
    /// <exception cref="InvalidOperationException">The peer does not accept datagrams.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The datagram is larger than <see cref="MaxDatagramSize"/>.</exception>
    /// <exception cref="NotSupportedException">The connection runs on the msquic engine, which has no datagrams.</exception>
    public async ValueTask SendDatagramAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfMsQuic(DatagramsFeature);
        if (_driver.CloseException is { } closed)
        {
            throw closed;
        }

        int max = MaxDatagramSize;
        if (max == 0)
        {
            throw new InvalidOperationException("The peer does not accept datagrams: it did not advertise max_datagram_frame_size (RFC 9221 §3).");
        }

        if (datagram.Length > max)
        {
            throw new ArgumentOutOfRangeException(nameof(datagram), datagram.Length, $"The datagram has {datagram.Length} bytes; at most {max} fit in one packet on this path (MaxDatagramSize).");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var request = new DatagramSendRequest(datagram);
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static (state, token) => ((DatagramSendRequest)state!).Cancel(token), request);
        _driver.PostInline(request);
        await request.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a PING (RFC 9000 §19.2) and completes when the peer acknowledges it, with the round
    /// trip time less the acknowledgment delay the peer reported (RFC 9002 §5.3); a lost PING is
    /// sent again. Useful to test that a path and the peer are alive.
    /// </summary>
    /// <exception cref="QuicException">The connection closed before the PING was acknowledged.</exception>
    /// <exception cref="NotSupportedException">The connection runs on the msquic engine, which offers no PING.</exception>
    public async ValueTask<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfMsQuic("PING round trips (PingAsync)");
        if (_driver.CloseException is { } closed)
        {
            throw closed;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var request = new PingRequest();
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static (state, token) => ((PingRequest)state!).Cancel(token), request);
        _driver.PostInline(request);
        return await request.Task.ConfigureAwait(false);
    }

    /// <summary>Waits for the next datagram from the peer (RFC 9221). Unread datagrams beyond 128 are dropped, oldest first.</summary>
    /// <exception cref="InvalidOperationException"><see cref="QuicConnectionOptions.DatagramReceiveEnabled"/> is false.</exception>
    /// <exception cref="NotSupportedException">The connection runs on the msquic engine, which has no datagrams.</exception>
    public ValueTask<ReadOnlyMemory<byte>> ReceiveDatagramAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfMsQuic(DatagramsFeature);
        if (!_driver.DatagramReceiveEnabled)
        {
            throw new InvalidOperationException("This connection does not accept datagrams (DatagramReceiveEnabled is false).");
        }

        return ReadAsync(_driver.DatagramsReceived, cancellationToken);
    }

    /// <summary>
    /// Closes the connection with an application error code (CONNECTION_CLOSE, RFC 9000 §10.2);
    /// completes when the close has been sent. Pending operations fail with
    /// <see cref="QuicError.OperationAborted"/>. Closing a closed connection does nothing.
    /// </summary>
    public async ValueTask CloseAsync(long errorCode, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (errorCode < 0 || (ulong)errorCode > Core.Wire.VarInt.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(errorCode), errorCode, "An application error code is between 0 and 2^62-1.");
        }

        if (IsMsQuic)
        {
            await _msquic.CloseAsync(errorCode, cancellationToken).ConfigureAwait(false);
            return;
        }

        var request = new CloseRequest(errorCode);
        _driver.PostInline(request);
        await request.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a 1-RTT key update (RFC 9001 §6.1); false while one is not allowed yet (the handshake
    /// is not confirmed, or the previous update is not acknowledged). Internal: used by the interop
    /// peer's key-update case.
    /// </summary>
    internal async ValueTask<bool> TryInitiateKeyUpdateAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ThrowIfMsQuic("Key updates on request");
        var request = new KeyUpdateRequest();
        _driver.PostInline(request);
        return await request.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A snapshot of the connection's counters and current path (as of its worker's last pass).</summary>
    /// <exception cref="NotSupportedException">The connection runs on the msquic engine: System.Net.Quic exposes no statistics (<see cref="QuicCapabilities.PathStatistics"/> is false).</exception>
    public QuicConnectionStatistics GetStatistics()
    {
        ThrowIfMsQuic("Statistics (GetStatistics)");
        (ConnectionStats stats, long sendCalls) = _driver.StatisticsSnapshot;
        return new QuicConnectionStatistics
        {
            MinRtt = stats.MinRtt,
            SmoothedRtt = stats.SmoothedRtt,
            RttVariance = stats.RttVariance,
            LatestRtt = stats.LatestRtt,
            CongestionWindow = stats.CongestionWindow,
            BytesInFlight = stats.BytesInFlight,
            BytesSent = stats.BytesSent,
            BytesReceived = stats.BytesReceived,
            PacketsSent = stats.PacketsSent,
            PacketsReceived = stats.PacketsReceived,
            PacketsLost = stats.PacketsLost,
            UdpDatagramsSent = stats.DatagramsSent,
            UdpSendCalls = sendCalls,
            DatagramsReceived = stats.DatagramsReceived,
            KeyUpdates = stats.KeyUpdates,
            PathMaxDatagramSize = stats.MaxDatagramSize,
            LocalEndPoint = Unmap(stats.LocalEndPoint),
            RemoteEndPoint = Unmap(stats.RemoteEndPoint),
        };
    }

    /// <summary>
    /// Closes the connection with <see cref="QuicConnectionOptions.DefaultCloseErrorCode"/> unless it
    /// is closed already, and returns once the close has been sent. The socket of an outgoing
    /// connection is released after the closing period.
    /// </summary>
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

        var request = new CloseRequest(_driver.DefaultCloseErrorCode);
        _driver.PostInline(request);
        await request.Task.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"QuicConnection {((IsMsQuic ? _msquic.IsServer : _driver.IsServer) ? "server" : "client")} {LocalEndPoint} <-> {RemoteEndPoint}{(IsMsQuic ? " (msquic)" : "")}";

    internal void Attach(ConnectionDriver driver) => _driver = driver;

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    internal void Attach(MsQuicConnection connection) => _msquic = connection;

    private static IPEndPoint Concrete(IPEndPoint endPoint, IPEndPoint? arrivedOn) =>
        arrivedOn is not null && (endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any)) && arrivedOn.Port == endPoint.Port
            ? arrivedOn
            : endPoint;

    internal static IPEndPoint? Unmap(IPEndPoint? endPoint) =>
        endPoint is { Address.IsIPv4MappedToIPv6: true } ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private static async ValueTask<T> ReadAsync<T>(ChannelReader<T> reader, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (reader.TryRead(out T? item))
            {
                return item;
            }

            if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new QuicException(QuicError.OperationAborted, null, "The connection is closed.");
            }
        }
    }

    private static async ValueTask<IPEndPoint> ResolveAsync(QuicClientConnectionOptions options, CancellationToken cancellationToken)
    {
        if (options.RemoteEndPoint is IPEndPoint ip)
        {
            return ip;
        }

        var dns = (DnsEndPoint)options.RemoteEndPoint!;
        if (IPAddress.TryParse(dns.Host, out IPAddress? literal))
        {
            return new IPEndPoint(literal, dns.Port);
        }

        bool wantsIpv6 = options.LocalEndPoint?.AddressFamily == AddressFamily.InterNetworkV6 && !options.LocalEndPoint.Address.Equals(IPAddress.IPv6Any);
        if (string.Equals(dns.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(wantsIpv6 ? IPAddress.IPv6Loopback : IPAddress.Loopback, dns.Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(dns.Host, dns.AddressFamily, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new QuicException(QuicError.InvalidAddress, null, $"Cannot resolve '{dns.Host}': {e.Message}", e);
        }

        AddressFamily preferred = options.LocalEndPoint?.AddressFamily ?? AddressFamily.InterNetwork;
        foreach (IPAddress address in addresses)
        {
            if (address.AddressFamily == preferred)
            {
                return new IPEndPoint(address, dns.Port);
            }
        }

        return addresses.Length > 0
            ? new IPEndPoint(addresses[0], dns.Port)
            : throw new QuicException(QuicError.InvalidAddress, null, $"'{dns.Host}' resolved to no address.");
    }

    /// <summary>The remote address in the form the local socket uses (IPv4 mapped on a dual-stack socket).</summary>
    private static IPEndPoint MatchFamily(IPEndPoint remote, IPEndPoint bindTo)
    {
        if (bindTo.AddressFamily == remote.AddressFamily)
        {
            return remote;
        }

        if (bindTo.AddressFamily == AddressFamily.InterNetworkV6 && bindTo.Address.Equals(IPAddress.IPv6Any))
        {
            return new IPEndPoint(remote.Address.MapToIPv6(), remote.Port);
        }

        if (bindTo.AddressFamily == AddressFamily.InterNetwork && remote.Address.IsIPv4MappedToIPv6)
        {
            return new IPEndPoint(remote.Address.MapToIPv4(), remote.Port);
        }

        throw new QuicException(QuicError.InvalidAddress, null, $"The local address {bindTo} cannot reach {remote} (different address families).");
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

    private void ThrowIfMsQuic(string feature)
    {
        if (_msquic is not null)
        {
            throw MsQuicPlatform.FeatureUnsupported(feature);
        }
    }
}
