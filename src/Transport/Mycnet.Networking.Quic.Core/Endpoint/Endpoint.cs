using System.Net;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The sans-IO endpoint behind one UDP socket: routes datagrams to connections by connection ID,
/// accepts new connections, and answers what no connection can (RFC 9000 §5.2, §6, §8.1, §10.3).
/// </summary>
/// <remarks>
/// <para>Input: <see cref="HandleDatagram"/> for every received datagram. It returns where the
/// datagram went: to an existing connection (the caller passes it on with
/// <see cref="Connection.HandleDatagram"/>), to a connection it just accepted (already fed), or
/// a stateless response written into the caller's buffer (Version Negotiation, Retry, stateless
/// reset), or nowhere. After any input to a connection the caller calls
/// <see cref="SyncRouting"/> so new and retired connection IDs are routed, and
/// <see cref="Remove"/> when the connection terminates.</para>
/// <para>Not thread-safe: the caller serialises calls (connections run on other threads and only
/// meet the endpoint through <see cref="SyncRouting"/> and <see cref="Remove"/>).</para>
/// </remarks>
internal sealed class Endpoint : IDisposable
{
    private readonly EndpointConfig _config;
    private readonly Dictionary<ConnectionId, Connection> _byConnectionId = [];
    private readonly Dictionary<IPEndPoint, Connection> _byRemoteAddress = [];
    private readonly Dictionary<Connection, List<ConnectionId>> _routes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<IPEndPoint, List<Connection>> _byPeer = [];
    private readonly StatelessResetTokenGenerator _resetTokens;
    private readonly AddressValidationTokens _tokens;
    private readonly List<ConnectionId> _scratchIds = [];
    private Instant _resetWindowStart;
    private int _resetsInWindow;

    public Endpoint(EndpointConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        _config = config;
        _resetTokens = config.StatelessResetKey.IsEmpty
            ? StatelessResetTokenGenerator.CreateRandom(config.Random)
            : new StatelessResetTokenGenerator(config.StatelessResetKey.Span);
        _tokens = new AddressValidationTokens(config.Random);
    }

    /// <summary>Connections routed by this endpoint.</summary>
    public int ConnectionCount => _routes.Count;

    /// <summary>Whether the endpoint accepts connections.</summary>
    public bool IsServer => _config.ServerTls is not null;

    /// <summary>Command: creates a client connection routed by this endpoint; the caller then polls it for its first flight.</summary>
    public Connection Connect(Instant now, TransportSettings settings, TlsClientOptions tls, IPEndPoint local, IPEndPoint remote, IConnectionTracer? tracer = null)
    {
        Connection connection = Connection.CreateClient(settings, tls, local, remote, now, _config.Random, _resetTokens, tracer);
        _routes[connection] = [];
        if (settings.LocalConnectionIdLength == 0)
        {
            _byRemoteAddress[remote] = connection;
        }

        Register(connection, connection.InitialSourceConnectionId);
        AddPeer(connection, remote);
        SyncRouting(connection);
        return connection;
    }

    /// <summary>Input: a datagram received on <paramref name="local"/> from <paramref name="remote"/>.</summary>
    /// <param name="response">Where a stateless response is written; at least 1200 bytes.</param>
    public EndpointResult HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, Span<byte> datagram, EcnCodepoint ecn, Span<byte> response)
    {
        if (datagram.IsEmpty)
        {
            return EndpointResult.Dropped;
        }

        bool isLong = (datagram[0] & 0x80) != 0;
        int shortDcidLength = _config.ServerTransport.LocalConnectionIdLength;
        if (!PacketHeader.TryParse(datagram, shortDcidLength, out PacketHeader header))
        {
            return EndpointResult.Dropped;
        }

        ConnectionId dcid = header.DestinationConnectionId.Length <= ConnectionId.MaxLength ? new ConnectionId(header.DestinationConnectionId) : ConnectionId.Empty;
        if (_byConnectionId.TryGetValue(dcid, out Connection? routed) || _byRemoteAddress.TryGetValue(remote, out routed))
        {
            return new EndpointResult(EndpointResultKind.Routed, routed, default);
        }

        if (isLong)
        {
            return HandleUnroutedLongHeader(now, local, remote, datagram, ecn, header, response);
        }

        // RFC 9000 §10.3.1: a stateless reset cannot be routed by its (random) DCID; it is
        // recognised by its last 16 bytes matching a token of a connection to that peer.
        if (datagram.Length >= StatelessReset.MinimumLength && _byPeer.TryGetValue(remote, out List<Connection>? candidates))
        {
            foreach (Connection candidate in candidates)
            {
                if (candidate.IsPeerStatelessResetToken(datagram[^StatelessResetToken.Length..]))
                {
                    return new EndpointResult(EndpointResultKind.Routed, candidate, default);
                }
            }
        }

        return TrySendStatelessReset(now, local, remote, datagram.Length, dcid, response);
    }

    /// <summary>Routes the connection IDs a connection issued or retired since the last call.</summary>
    public void SyncRouting(Connection connection)
    {
        if (!_routes.ContainsKey(connection))
        {
            return;
        }

        while (connection.TryPollEndpointEvent(out RoutingChange change))
        {
            if (change.Added)
            {
                Register(connection, change.Id);
            }
            else
            {
                Unregister(connection, change.Id);
            }
        }
    }

    /// <summary>Forgets a terminated connection and every ID routed to it.</summary>
    public void Remove(Connection connection)
    {
        if (!_routes.Remove(connection, out List<ConnectionId>? ids))
        {
            return;
        }

        foreach (ConnectionId id in ids)
        {
            if (_byConnectionId.TryGetValue(id, out Connection? owner) && owner == connection)
            {
                _byConnectionId.Remove(id);
            }
        }

        if (_byRemoteAddress.TryGetValue(connection.RemoteEndPoint, out Connection? byAddress) && byAddress == connection)
        {
            _byRemoteAddress.Remove(connection.RemoteEndPoint);
        }

        foreach ((IPEndPoint peer, List<Connection> list) in _byPeer)
        {
            if (list.Remove(connection) && list.Count == 0)
            {
                _byPeer.Remove(peer);
                break;
            }
        }
    }

    public void Dispose() => _tokens.Dispose();

    private EndpointResult HandleUnroutedLongHeader(Instant now, IPEndPoint local, IPEndPoint remote, Span<byte> datagram, EcnCodepoint ecn, PacketHeader header, Span<byte> response)
    {
        if (header.Type == PacketType.UnsupportedVersion)
        {
            return SendVersionNegotiation(local, remote, datagram.Length, header, response);
        }

        if (header.Type != PacketType.Initial || _config.ServerTls is null)
        {
            return EndpointResult.Dropped; // Only a client Initial can start a connection.
        }

        // RFC 9000 §14.1: a server drops client Initial datagrams below 1200 bytes; §7.2: the
        // client's first DCID has at least 8 bytes.
        if (datagram.Length < Connection.MinInitialDatagramSize || header.DestinationConnectionId.Length < Connection.ClientInitialDcidLength ||
            header.SourceConnectionId.Length > ConnectionId.MaxLength || _routes.Count >= _config.MaxConnections)
        {
            return EndpointResult.Dropped;
        }

        var initialDcid = new ConnectionId(header.DestinationConnectionId);
        var clientScid = new ConnectionId(header.SourceConnectionId);
        ConnectionId originalDcid = initialDcid;
        ConnectionId? retrySource = null;
        bool validated = false;
        if (!header.Token.IsEmpty)
        {
            TokenValidation token = _tokens.Validate(now, remote, header.Token);
            if (token.Verdict == TokenVerdict.ValidRetry)
            {
                // The client's DCID now is the Retry's SCID (§17.2.5.2).
                if (token.RetrySource != initialDcid)
                {
                    return EndpointResult.Dropped;
                }

                originalDcid = token.OriginalDestination;
                retrySource = token.RetrySource;
                validated = true;
            }
            else if (token.Verdict == TokenVerdict.ValidNewToken)
            {
                validated = true;
            }
            else if (_config.RequireRetry)
            {
                // §8.1.3: a client with a bad Retry token will not accept another Retry; drop.
                return EndpointResult.Dropped;
            }
        }

        if (!validated && _config.RequireRetry)
        {
            return SendRetry(now, local, remote, initialDcid, clientScid, response);
        }

        Span<byte> cidBytes = stackalloc byte[ConnectionId.MaxLength];
        int cidLength = _config.ServerTransport.LocalConnectionIdLength;
        ConnectionId localCid;
        do
        {
            _config.Random.Fill(cidBytes[..cidLength]);
            localCid = new ConnectionId(cidBytes[..cidLength]);
        }
        while (_byConnectionId.ContainsKey(localCid));

        var context = new ServerHandshakeContext(originalDcid, initialDcid, clientScid, localCid, retrySource, validated);
        IConnectionTracer? tracer = _config.TracerFactory?.Invoke(true, originalDcid);
        Connection connection = Connection.CreateServer(_config.ServerTransport, _config.ServerTls, in context, local, remote, now, _config.Random, _resetTokens, tracer);
        _routes[connection] = [];
        Register(connection, localCid);
        AddPeer(connection, remote);

        // Packets the client sends before it learns our CID carry its chosen DCID.
        Register(connection, initialDcid);
        connection.HandleDatagram(now, local, remote, datagram, ecn);
        SyncRouting(connection);
        return new EndpointResult(EndpointResultKind.Accepted, connection, default);
    }

    private EndpointResult SendVersionNegotiation(IPEndPoint local, IPEndPoint remote, int datagramLength, PacketHeader header, Span<byte> response)
    {
        // §6.1: answer only datagrams large enough to be a client's first Initial, and never a
        // Version Negotiation packet (§17.2.1).
        if (datagramLength < Connection.MinInitialDatagramSize || header.Version == QuicVersion.Negotiation || _config.ServerTls is null)
        {
            return EndpointResult.Dropped;
        }

        Span<byte> random = stackalloc byte[1];
        _config.Random.Fill(random);
        var writer = new WireWriter(response);

        // Our version, plus a reserved one so clients exercise negotiation (§6.3).
        ReadOnlySpan<uint> versions = [QuicVersion.Version1, 0x1a2a3a4a];
        int length = VersionNegotiationPacket.Write(ref writer, random[0], header.SourceConnectionId, header.DestinationConnectionId, versions);
        return new EndpointResult(EndpointResultKind.Response, null, new Transmit(local, remote, length, length, EcnCodepoint.NotEct));
    }

    private EndpointResult SendRetry(Instant now, IPEndPoint local, IPEndPoint remote, ConnectionId originalDcid, ConnectionId clientScid, Span<byte> response)
    {
        Span<byte> cidBytes = stackalloc byte[ConnectionId.MaxLength];
        int cidLength = Math.Max(8, _config.ServerTransport.LocalConnectionIdLength);
        _config.Random.Fill(cidBytes[..cidLength]);
        var retrySource = new ConnectionId(cidBytes[..cidLength]);
        byte[] token = _tokens.CreateRetryToken(now, remote, originalDcid, retrySource);

        Span<byte> random = stackalloc byte[1];
        _config.Random.Fill(random);
        var writer = new WireWriter(response);
        int withoutTag = RetryPacket.WriteWithoutTag(ref writer, random[0], QuicVersion.Version1, clientScid.Span, retrySource.Span, token);
        RetryIntegrity.ComputeTag(originalDcid.Span, response[..withoutTag], response.Slice(withoutTag, RetryPacket.IntegrityTagLength));
        int length = withoutTag + RetryPacket.IntegrityTagLength;
        return new EndpointResult(EndpointResultKind.Response, null, new Transmit(local, remote, length, length, EcnCodepoint.NotEct));
    }

    private EndpointResult TrySendStatelessReset(Instant now, IPEndPoint local, IPEndPoint remote, int triggerLength, ConnectionId dcid, Span<byte> response)
    {
        // §10.3: only for a short header whose DCID has our length (so it could be ours), smaller
        // than the trigger (§10.3.3, no loops), and rate-limited.
        if (_config.ServerTransport.LocalConnectionIdLength == 0 || dcid.Length != _config.ServerTransport.LocalConnectionIdLength || _config.MaxStatelessResetsPerSecond == 0)
        {
            return EndpointResult.Dropped;
        }

        if (now - _resetWindowStart >= TimeSpan.FromSeconds(1))
        {
            _resetWindowStart = now;
            _resetsInWindow = 0;
        }

        if (_resetsInWindow >= _config.MaxStatelessResetsPerSecond)
        {
            return EndpointResult.Dropped;
        }

        int length = StatelessReset.GetLengthToSend(triggerLength, Math.Min(response.Length, 43));
        if (length == 0)
        {
            return EndpointResult.Dropped;
        }

        _resetsInWindow++;
        Span<byte> unpredictable = stackalloc byte[length - StatelessResetToken.Length];
        _config.Random.Fill(unpredictable);
        Span<byte> tokenBytes = stackalloc byte[StatelessResetToken.Length];
        _resetTokens.Compute(dcid.Span, tokenBytes);
        int written = StatelessReset.Write(response, unpredictable, new StatelessResetToken(tokenBytes));
        return new EndpointResult(EndpointResultKind.Response, null, new Transmit(local, remote, written, written, EcnCodepoint.NotEct));
    }

    private void AddPeer(Connection connection, IPEndPoint remote)
    {
        if (!_byPeer.TryGetValue(remote, out List<Connection>? list))
        {
            list = [];
            _byPeer[remote] = list;
        }

        list.Add(connection);
    }

    private void Register(Connection connection, ConnectionId id)
    {
        if (id.IsEmpty)
        {
            return;
        }

        _byConnectionId[id] = connection;
        _routes[connection].Add(id);
    }

    private void Unregister(Connection connection, ConnectionId id)
    {
        if (_byConnectionId.TryGetValue(id, out Connection? owner) && owner == connection)
        {
            _byConnectionId.Remove(id);
        }

        _routes[connection].Remove(id);
    }
}

/// <summary>Where <see cref="Endpoint.HandleDatagram"/> sent a datagram.</summary>
internal enum EndpointResultKind
{
    /// <summary>Nothing can use it.</summary>
    Dropped,

    /// <summary>It belongs to <see cref="EndpointResult.Connection"/>; pass it on.</summary>
    Routed,

    /// <summary>It started <see cref="EndpointResult.Connection"/>, which already processed it.</summary>
    Accepted,

    /// <summary>Send <see cref="EndpointResult.Response"/> from the response buffer.</summary>
    Response,
}

/// <summary>The outcome of <see cref="Endpoint.HandleDatagram"/>.</summary>
internal readonly record struct EndpointResult(EndpointResultKind Kind, Connection? Connection, Transmit Response)
{
    public static EndpointResult Dropped => default;
}
