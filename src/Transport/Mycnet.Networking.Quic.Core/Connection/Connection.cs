using System.Net;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// One QUIC v1 connection, client or server, as a deterministic state machine that does no I/O.
/// </summary>
/// <remarks>
/// <para>Design (after quinn-proto): the connection owns the TLS handshake, the packet protection
/// keys, one <see cref="PacketSpaceState"/> per packet number space, the streams, the connection
/// IDs, and its paths (each with RTT, congestion control, pacing and loss detection). It never
/// reads a clock, touches a socket or starts a task: time arrives as an <see cref="Instant"/> with
/// every input, and output is pulled.</para>
/// <para>Inputs (<c>Handle*</c>): <see cref="HandleDatagram"/> for every datagram routed to this
/// connection; <see cref="HandleTimeout"/> when <see cref="GetNextDeadline"/> has passed.
/// Commands (plain verbs): open, write, read, finish, reset and stop streams; send datagrams;
/// <see cref="Close"/>; <see cref="InitiateKeyUpdate"/>.
/// Outputs (<c>TryPoll*</c>): after any input or command, call <see cref="TryPollTransmit"/> until it
/// returns false and send each transmit; drain <see cref="TryPollEvent"/> and
/// <see cref="TryPollEndpointEvent"/>; then re-arm a timer for <see cref="GetNextDeadline"/>.</para>
/// <para>Not thread-safe: exactly one owner drives a connection at a time (the driver's operation
/// queue). Peer misbehaviour never throws out of an input: it closes the connection with the right
/// error code. Misuse by the caller (an unknown stream, writing after finishing) throws.</para>
/// </remarks>
internal sealed partial class Connection : ISentPacketSink, IDisposable
{
    /// <summary>The length of the random Destination Connection ID a client starts with (RFC 9000 §7.2: at least 8).</summary>
    public const int ClientInitialDcidLength = 8;

    /// <summary>Datagrams carrying an ack-eliciting Initial packet are at least this large (RFC 9000 §14.1).</summary>
    public const int MinInitialDatagramSize = 1200;

    /// <summary>Packets that cannot be decrypted yet (keys not yet installed) kept for later (RFC 9001 §5.7).</summary>
    private const int MaxBufferedPackets = 16;

    private readonly TransportSettings _settings;
    private readonly IRandomSource _random;
    private readonly IConnectionTracer _tracer;
    private ITlsHandshake _tls;
    private readonly PacketProtectionKeyStore _keys = new();
    private readonly PacketSpaceState[] _spaces = new PacketSpaceState[EncryptionLevelExtensions.SpaceCount];
    private readonly StreamManager _streams;
    private readonly LocalConnectionIdSet _localCids;
    private readonly PeerConnectionIdSet _peerCids;
    private readonly List<QuicPath> _paths = [];
    private readonly Queue<ConnectionEvent> _events = new();
    private readonly Queue<RoutingChange> _endpointEvents = new();
    private readonly List<BufferedPacket> _bufferedPackets = [];
    private readonly Queue<byte[]> _datagramsToSend = new();
    private readonly Queue<byte[]> _datagramsReceived = new();
    private readonly TransportParameters _localParameters;
    private readonly ConnectionId _initialSourceCid;

    private QuicPath _path;
    private readonly PathRecovery _recovery;
    private ConnectionState _state = ConnectionState.Handshaking;
    private TransportParameters? _peerParameters;
    private ConnectionCloseInfo? _closeInfo;
    private Instant _idleDeadline = Instant.MaxValue;
    private Instant _handshakeDeadline;
    private Instant _closeDeadline = Instant.MaxValue;
    private Instant _lastSendTime;
    private Instant _pacingDeadline = Instant.MaxValue;
    private TimeSpan _effectiveIdleTimeout;
    private bool _handshakeComplete;
    private bool _handshakeConfirmed;
    private bool _handshakeDonePending;
    private bool _closeFramePending;
    private bool _ackElicitingSentSinceReceive;
    private int _nextPathId;
    private PendingOneRttSecret? _pendingOneRtt;
    private int _pingsRequested;
    private ulong? _pingPacketNumber;
    private bool _closeTraced;

    // Client-only handshake state (RFC 9000 §7.2, §17.2.5).
    private ConnectionId _originalDestinationCid;
    private byte[] _token = [];
    private bool _receivedRetry;
    private ConnectionId _retrySourceCid;
    private bool _receivedServerPacket;

    // Counters for statistics.
    private long _bytesSent;
    private long _bytesReceived;
    private long _packetsSent;
    private long _packetsReceived;
    private long _packetsLost;
    private long _datagramsSentCount;
    private long _datagramsReceivedCount;

    private Connection(
        bool isServer,
        TransportSettings settings,
        IRandomSource random,
        StatelessResetTokenGenerator resetTokens,
        IConnectionTracer? tracer,
        IPEndPoint local,
        IPEndPoint remote,
        ConnectionId localCid,
        ConnectionId peerCid,
        Instant now)
    {
        settings.Validate();
        IsServer = isServer;
        _settings = settings;
        _random = random;
        _tracer = tracer ?? NullConnectionTracer.Instance;
        _initialSourceCid = localCid;
        _localCids = new LocalConnectionIdSet(localCid, random, resetTokens);
        _peerCids = new PeerConnectionIdSet(settings.ActiveConnectionIdLimit, peerCid);
        for (int i = 0; i < _spaces.Length; i++)
        {
            _spaces[i] = new PacketSpaceState((PacketNumberSpace)i, settings.MaxAckDelay, settings.AckElicitingThreshold);
        }

        _streams = new StreamManager(isServer, CreateStreamOptions(settings));
        _recovery = new PathRecovery(settings, isServer, carriesHandshake: true, settings.InitialMaxDatagramSize);
        _path = new QuicPath(_nextPathId++, local, remote, settings.InitialMaxDatagramSize)
        {
            Recovery = _recovery,

            // A client's own address needs no validation by itself; a server's peer does (§8.1).
            IsValidated = !isServer,
        };
        _paths.Add(_path);
        _handshakeDeadline = now + settings.HandshakeTimeout;
        _effectiveIdleTimeout = settings.MaxIdleTimeout;
        _lastSendTime = now;
        _localParameters = CreateLocalParameters(settings, localCid);
        RestartIdleTimer(now);
        _tls = null!; // assigned by the factories, which need the encoded parameters first
    }

    /// <summary>Whether this is the server side.</summary>
    public bool IsServer { get; }

    /// <summary>The current state.</summary>
    public ConnectionState State => _state;

    /// <summary>Why the connection closed; null while it is open.</summary>
    public ConnectionCloseInfo? CloseInfo => _closeInfo;

    /// <summary>Whether the handshake completed (RFC 9001 §4.1.1).</summary>
    public bool IsHandshakeComplete => _handshakeComplete;

    /// <summary>Whether the handshake is confirmed (RFC 9001 §4.1.2).</summary>
    public bool IsHandshakeConfirmed => _handshakeConfirmed;

    /// <summary>The negotiated ALPN protocol, once known.</summary>
    public string? ApplicationProtocol => _tls.NegotiatedApplicationProtocol;

    /// <summary>The negotiated cipher suite, once known.</summary>
    public CipherSuite? CipherSuite => _tls.NegotiatedCipherSuite;

    /// <summary>The peer's certificate, once validated.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? PeerCertificate => _tls.PeerCertificate;

    /// <summary>The server name (SNI).</summary>
    public string? ServerName => _tls.ServerName;

    /// <summary>The current path's local address.</summary>
    public IPEndPoint LocalEndPoint => _path.Local;

    /// <summary>The current path's remote address.</summary>
    public IPEndPoint RemoteEndPoint => _path.Remote;

    /// <summary>Our connection ID of sequence 0 (the handshake Source Connection ID).</summary>
    public ConnectionId InitialSourceConnectionId => _initialSourceCid;

    /// <summary>The original Destination Connection ID of the client's first Initial.</summary>
    public ConnectionId OriginalDestinationConnectionId => _originalDestinationCid;

    /// <summary>The peer's transport parameters, once received.</summary>
    internal TransportParameters? PeerParameters => _peerParameters;

    /// <summary>The largest DATAGRAM payload that can be sent now (RFC 9221 §3), 0 when the peer does not accept datagrams.</summary>
    public int MaxDatagramPayloadSize
    {
        get
        {
            if (_peerParameters?.MaxDatagramFrameSize is not { } peerMax || peerMax == 0)
            {
                return 0;
            }

            // A 1-RTT packet: short header with the longest DCID and packet number, the AEAD tag,
            // then the DATAGRAM frame's type byte.
            int overhead = 1 + _peerCids.Current.Length + 4 + CipherSuiteInfo.TagLength + 1;
            return (int)Math.Min(peerMax - 1, (ulong)(_path.MaxDatagramSize - overhead));
        }
    }

    /// <summary>Creates a client connection and queues its first flight.</summary>
    public static Connection CreateClient(
        TransportSettings settings,
        TlsClientOptions tlsOptions,
        IPEndPoint local,
        IPEndPoint remote,
        Instant now,
        IRandomSource random,
        StatelessResetTokenGenerator resetTokens,
        IConnectionTracer? tracer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tlsOptions);
        Span<byte> bytes = stackalloc byte[ConnectionId.MaxLength];
        random.Fill(bytes[..settings.LocalConnectionIdLength]);
        var localCid = new ConnectionId(bytes[..settings.LocalConnectionIdLength]);
        random.Fill(bytes[..ClientInitialDcidLength]);
        var initialDcid = new ConnectionId(bytes[..ClientInitialDcidLength]);

        var connection = new Connection(isServer: false, settings, random, resetTokens, tracer, local, remote, localCid, initialDcid, now);
        connection._originalDestinationCid = initialDcid;
        connection.TraceStarted(now);
        connection._keys.InstallInitial(initialDcid.Span, isClient: true);
        byte[] parameters = connection._localParameters.Encode(sentByServer: false);
        connection.InitializeTls(new TlsClientHandshake(tlsOptions.WithTransportParameters(parameters)));
        connection._tls.Start();
        connection.ProcessTlsOutputs(now);
        return connection;
    }

    /// <summary>Creates a server connection for a client Initial the endpoint accepted.</summary>
    public static Connection CreateServer(
        TransportSettings settings,
        TlsServerOptions tlsOptions,
        in ServerHandshakeContext context,
        IPEndPoint local,
        IPEndPoint remote,
        Instant now,
        IRandomSource random,
        StatelessResetTokenGenerator resetTokens,
        IConnectionTracer? tracer = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tlsOptions);
        var connection = new Connection(isServer: true, settings, random, resetTokens, tracer, local, remote, context.LocalConnectionId, context.ClientSourceConnectionId, now);
        connection._originalDestinationCid = context.OriginalDestinationConnectionId;
        connection._peerCids.SetHandshakeId(context.ClientSourceConnectionId);
        connection._path.IsValidated = context.AddressValidated;
        connection._keys.InstallInitial(context.InitialDestinationConnectionId.Span, isClient: false);

        TransportParameters parameters = connection._localParameters;
        parameters.OriginalDestinationConnectionId = context.OriginalDestinationConnectionId;
        if (context.RetrySourceConnectionId is { } retrySource)
        {
            parameters.RetrySourceConnectionId = retrySource;
        }

        if (!connection._localCids.IsZeroLength)
        {
            parameters.StatelessResetToken = connection._localCids.InitialResetToken;
        }

        connection.TraceStarted(now);

        connection.InitializeTls(new TlsServerHandshake(tlsOptions.WithTransportParameters(parameters.Encode(sentByServer: true))));
        connection._tls.Start();
        return connection;
    }

    /// <summary>Takes the next event.</summary>
    public bool TryPollEvent(out ConnectionEvent connectionEvent)
    {
        DrainStreamEvents();
        return _events.TryDequeue(out connectionEvent);
    }

    /// <summary>
    /// Takes the next routing change for the endpoint: a connection ID to start or stop routing
    /// to this connection.
    /// </summary>
    public bool TryPollEndpointEvent(out RoutingChange change)
    {
        while (_localCids.TryDequeueRoutingChange(out RoutingChange local))
        {
            _endpointEvents.Enqueue(local);
        }

        return _endpointEvents.TryDequeue(out change);
    }

    /// <summary>Every connection ID routed to this connection now (for the endpoint to forget when it ends).</summary>
    public void CopyLocalConnectionIds(List<ConnectionId> destination) => _localCids.CopyActiveIds(destination);

    /// <summary>A snapshot of the counters and the current path's recovery state.</summary>
    public ConnectionStats GetStats() => new()
    {
        MinRtt = _recovery.Rtt.MinRtt,
        SmoothedRtt = _recovery.Rtt.SmoothedRtt,
        RttVariance = _recovery.Rtt.RttVariation,
        LatestRtt = _recovery.Rtt.LatestRtt,
        CongestionWindow = _recovery.Congestion.CongestionWindow,
        BytesInFlight = _recovery.Congestion.BytesInFlight,
        BytesSent = _bytesSent,
        BytesReceived = _bytesReceived,
        PacketsSent = _packetsSent,
        PacketsReceived = _packetsReceived,
        PacketsLost = _packetsLost,
        DatagramsSent = _datagramsSentCount,
        DatagramsReceived = _datagramsReceivedCount,
        KeyUpdates = KeyUpdateCount,
        MaxDatagramSize = _path.MaxDatagramSize,
        LocalEndPoint = _path.Local,
        RemoteEndPoint = _path.Remote,
    };

    public void Dispose()
    {
        _keys.Dispose();
        _recovery.Dispose();
        _paths.Clear();
    }

    private static StreamManagerOptions CreateStreamOptions(TransportSettings settings) => new()
    {
        InitialConnectionReceiveWindow = (ulong)settings.InitialMaxData,
        MaxConnectionReceiveWindow = (ulong)settings.MaxConnectionReceiveWindow,
        InitialStreamReceiveWindowBidiLocal = (ulong)settings.InitialMaxStreamData,
        InitialStreamReceiveWindowBidiRemote = (ulong)settings.InitialMaxStreamData,
        InitialStreamReceiveWindowUni = (ulong)settings.InitialMaxStreamData,
        MaxStreamReceiveWindow = (ulong)settings.MaxStreamReceiveWindow,
        MaxConcurrentPeerStreamsBidi = (ulong)settings.MaxIncomingBidirectionalStreams,
        MaxConcurrentPeerStreamsUni = (ulong)settings.MaxIncomingUnidirectionalStreams,
        SendBufferLimit = (int)Math.Min(int.MaxValue, settings.StreamSendBufferLimit),
    };

    private static TransportParameters CreateLocalParameters(TransportSettings settings, ConnectionId localCid) => new()
    {
        MaxIdleTimeoutMilliseconds = (ulong)settings.MaxIdleTimeout.TotalMilliseconds,
        MaxUdpPayloadSize = (ulong)settings.MaxUdpPayloadSize,
        InitialMaxData = (ulong)settings.InitialMaxData,
        InitialMaxStreamDataBidiLocal = (ulong)settings.InitialMaxStreamData,
        InitialMaxStreamDataBidiRemote = (ulong)settings.InitialMaxStreamData,
        InitialMaxStreamDataUni = (ulong)settings.InitialMaxStreamData,
        InitialMaxStreamsBidi = (ulong)settings.MaxIncomingBidirectionalStreams,
        InitialMaxStreamsUni = (ulong)settings.MaxIncomingUnidirectionalStreams,
        AckDelayExponent = (ulong)settings.AckDelayExponent,
        MaxAckDelayMilliseconds = (ulong)settings.MaxAckDelay.TotalMilliseconds,
        DisableActiveMigration = settings.DisableActiveMigration,
        ActiveConnectionIdLimit = (ulong)settings.ActiveConnectionIdLimit,
        InitialSourceConnectionId = localCid,
        MaxDatagramFrameSize = settings.MaxDatagramFrameSize > 0 ? (ulong)settings.MaxDatagramFrameSize : null,
    };

    private void InitializeTls(ITlsHandshake tls) => _tls = tls;

    private void RestartIdleTimer(Instant now)
    {
        if (_effectiveIdleTimeout <= TimeSpan.Zero)
        {
            _idleDeadline = Instant.MaxValue;
            return;
        }

        // RFC 9000 §10.1: at least three PTOs, so a few lost probes cannot close a live connection.
        TimeSpan pto = _recovery.Loss.GetProbeTimeout(PacketNumberSpace.ApplicationData);
        TimeSpan timeout = _effectiveIdleTimeout > 3 * pto ? _effectiveIdleTimeout : 3 * pto;
        _idleDeadline = now + timeout;
    }

    private void SetState(Instant now, ConnectionState state)
    {
        if (_state == state)
        {
            return;
        }

        _state = state;
        if (state >= ConnectionState.Closing && _closeInfo is { } info && !_closeTraced)
        {
            _closeTraced = true;
            _tracer.OnConnectionClosed(now, info);
        }

        _tracer.OnStateChanged(now, state);
    }

    private void TraceStarted(Instant now)
    {
        _tracer.OnConnectionStarted(now, IsServer, _originalDestinationCid, _initialSourceCid, _peerCids.Current, _path.Local, _path.Remote);
        _tracer.OnParametersSet(now, isLocal: true, _localParameters);
    }

    private PacketSpaceState Space(PacketNumberSpace space) => _spaces[(int)space];

    private readonly record struct BufferedPacket(byte[] Data, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn, EncryptionLevel Level);

    private sealed record PendingOneRttSecret(bool IsRead, CipherSuite Suite, byte[] Secret);
}

/// <summary>What the endpoint learned from a client's Initial when it accepts a connection.</summary>
internal readonly record struct ServerHandshakeContext(
    ConnectionId OriginalDestinationConnectionId,
    ConnectionId InitialDestinationConnectionId,
    ConnectionId ClientSourceConnectionId,
    ConnectionId LocalConnectionId,
    ConnectionId? RetrySourceConnectionId,
    bool AddressValidated);
