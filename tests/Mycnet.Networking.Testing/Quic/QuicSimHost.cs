using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Testing.Quic;

/// <summary>
/// A host in the simulated network: one sans-IO <see cref="Endpoint"/> and its connections,
/// driven exactly as a real driver drives them (route, feed, poll transmits, sync routing,
/// deadlines). Tests attach application logic through <see cref="Activity"/>, which runs after
/// every input a connection receives, so the application reacts in virtual time.
/// </summary>
internal sealed class QuicSimHost : ISimulatedNode
{
    private readonly List<Connection> _connections = [];
    private readonly Queue<(byte[] Data, Transmit Transmit)> _responses = new();
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly byte[] _responseBuffer = new byte[2048];
    private int _nextPoll;

    private readonly EndpointConfig _config;

    public QuicSimHost(string name, EndpointConfig config, IPEndPoint address)
    {
        Name = name;
        Address = address;
        _config = config;
        Endpoint = new Endpoint(config);
    }

    public string Name { get; }

    public IPEndPoint Address { get; }

    public Endpoint Endpoint { get; private set; }

    /// <summary>Every connection the host has had, including terminated ones.</summary>
    public IReadOnlyList<Connection> Connections => _connections;

    /// <summary>Runs after every input to a connection (and once when it is created or accepted).</summary>
    public Action<Connection, Instant>? Activity { get; set; }

    /// <summary>Called for every datagram this host receives, before the endpoint sees it.</summary>
    public Action<Instant, IPEndPoint, ReadOnlyMemory<byte>>? DatagramReceived { get; set; }

    /// <summary>Datagrams the endpoint dropped.</summary>
    public int DroppedDatagrams { get; private set; }

    /// <summary>Stateless responses (Version Negotiation, Retry, stateless reset) sent.</summary>
    public int StatelessResponses { get; private set; }

    /// <summary>Loses every connection's state, as a crashed and restarted process would (same configuration and reset key).</summary>
    public void Restart()
    {
        Endpoint.Dispose();
        Endpoint = new Endpoint(_config);
        _connections.Clear();
        _responses.Clear();
    }

    /// <summary>
    /// Bytes the engine allocated on this thread inside its inputs and outputs for routed datagrams,
    /// timeouts and transmits (not the simulated network's own, nor the application's), so
    /// allocation tests can pin the engine alone.
    /// </summary>
    public long EngineAllocatedBytes { get; set; }

    public Connection Connect(Instant now, TransportSettings settings, TlsClientOptions tls, IPEndPoint remote, IConnectionTracer? tracer = null)
    {
        Connection connection = Endpoint.Connect(now, settings, tls, Address, remote, tracer);
        _connections.Add(connection);
        Activity?.Invoke(connection, now);
        return connection;
    }

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        datagram.CopyTo(_receiveBuffer);
        Span<byte> data = _receiveBuffer.AsSpan(0, datagram.Length);
        DatagramReceived?.Invoke(now, remote, _receiveBuffer.AsMemory(0, datagram.Length).ToArray());
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        EndpointResult result = Endpoint.HandleDatagram(now, local, remote, data, ecn, _responseBuffer);
        switch (result.Kind)
        {
            case EndpointResultKind.Routed:
                result.Connection!.HandleDatagram(now, local, remote, data, ecn);
                EngineAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                AfterInput(result.Connection, now);
                break;
            case EndpointResultKind.Accepted:
                _connections.Add(result.Connection!);
                AfterInput(result.Connection!, now);
                break;
            case EndpointResultKind.Response:
                StatelessResponses++;
                _responses.Enqueue((_responseBuffer.AsSpan(0, result.Response.Length).ToArray(), result.Response));
                break;
            default:
                DroppedDatagrams++;
                break;
        }
    }

    public void HandleTimeout(Instant now)
    {
        for (int i = 0; i < _connections.Count; i++)
        {
            Connection connection = _connections[i];
            if (connection.State != ConnectionState.Terminated && connection.GetNextDeadline() <= now)
            {
                long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                connection.HandleTimeout(now);
                EngineAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
                AfterInput(connection, now);
            }
        }
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (_responses.TryDequeue(out (byte[] Data, Transmit Transmit) response))
        {
            response.Data.CopyTo(buffer);
            transmit = new SimTransmit(response.Transmit.Local, response.Transmit.Remote, response.Transmit.Length);
            return true;
        }

        int count = _connections.Count;
        for (int i = 0; i < count; i++)
        {
            Connection connection = _connections[(_nextPoll + i) % count];
            if (connection.State == ConnectionState.Terminated)
            {
                continue;
            }

            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            bool polled = connection.TryPollTransmit(now, buffer, out Transmit t);
            EngineAllocatedBytes += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (polled)
            {
                _nextPoll = (_nextPoll + i + 1) % count;
                transmit = new SimTransmit(t.Local, t.Remote, t.Length, t.Ecn, t.SegmentSize < t.Length ? t.SegmentSize : 0);
                return true;
            }
        }

        transmit = default;
        return false;
    }

    public Instant GetNextDeadline()
    {
        Instant deadline = Instant.MaxValue;
        foreach (Connection connection in _connections)
        {
            if (connection.State != ConnectionState.Terminated)
            {
                deadline = Instant.Min(deadline, connection.GetNextDeadline());
            }
        }

        return deadline;
    }

    private void AfterInput(Connection connection, Instant now)
    {
        Endpoint.SyncRouting(connection);
        Activity?.Invoke(connection, now);
        if (connection.State == ConnectionState.Terminated)
        {
            Endpoint.Remove(connection);
        }
    }
}
