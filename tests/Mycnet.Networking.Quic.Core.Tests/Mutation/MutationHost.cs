using System.Net;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// A host in the simulated network for the mutation test: one sans-IO <see cref="Endpoint"/> and its
/// connections, driven the way a real driver drives them — route, feed, sync routing, let the
/// application react, then poll transmits until quiet — after every single input, so each mutant's
/// effect (including on the output path) is complete before the next input. Before an arriving
/// datagram is delivered, <see cref="Interceptor"/> may inject mutants of it with <see cref="Deliver"/>.
/// </summary>
internal sealed class MutationHost : ISimulatedNode, IDisposable
{
    /// <summary>Transmits one input may produce before the output path counts as not going quiet.</summary>
    public const int MaxTransmitsPerInput = 4096;

    private readonly List<Connection> _connections = [];
    private readonly Dictionary<Connection, MutationTracer> _tracers = new(ReferenceEqualityComparer.Instance);
    private readonly Queue<(byte[] Data, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn)> _outbound = new();
    private readonly byte[] _receiveBuffer = new byte[65536];
    private readonly byte[] _transmitBuffer = new byte[65536];
    private readonly byte[] _responseBuffer = new byte[2048];
    private readonly TracerSlot _slot;

    public MutationHost(string name, EndpointConfig config, IPEndPoint address, TracerSlot slot)
    {
        Name = name;
        Address = address;
        Endpoint = new Endpoint(config);
        _slot = slot;
    }

    public string Name { get; }

    public IPEndPoint Address { get; }

    public Endpoint Endpoint { get; }

    /// <summary>Every connection this host has had, terminated ones included.</summary>
    public IReadOnlyList<Connection> Connections => _connections;

    /// <summary>Runs after every input to a connection: the application.</summary>
    public Action<Connection, Instant>? Activity { get; set; }

    /// <summary>Sees every arriving datagram before it is delivered (the bytes are a private copy).</summary>
    public Action<MutationHost, Instant, IPEndPoint, IPEndPoint, byte[], EcnCodepoint>? Interceptor { get; set; }

    /// <summary>Replaces every arriving datagram before anything else sees it (a test that edits what the peer sent).</summary>
    public Func<byte[], byte[]>? Rewrite { get; set; }

    /// <summary>Datagrams the endpoint dropped.</summary>
    public int DroppedDatagrams { get; private set; }

    public MutationTracer TracerOf(Connection connection) => _tracers[connection];

    public Connection Connect(Instant now, TransportSettings settings, TlsClientOptions tls, IPEndPoint remote, MutationTracer tracer)
    {
        Connection connection = Endpoint.Connect(now, settings, tls, Address, remote, tracer);
        _connections.Add(connection);
        _tracers[connection] = tracer;
        AfterInput(connection, now);
        DrainOutputs(now);
        return connection;
    }

    /// <summary>Delivers one datagram as the driver would, then runs the application and polls every output until quiet.</summary>
    public EndpointResultKind Deliver(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        datagram.CopyTo(_receiveBuffer);
        Span<byte> data = _receiveBuffer.AsSpan(0, datagram.Length);
        EndpointResult result = Endpoint.HandleDatagram(now, local, remote, data, ecn, _responseBuffer);
        switch (result.Kind)
        {
            case EndpointResultKind.Routed:
                result.Connection!.HandleDatagram(now, local, remote, data, ecn);
                AfterInput(result.Connection, now);
                break;
            case EndpointResultKind.Accepted:
                _connections.Add(result.Connection!);
                _tracers[result.Connection!] = _slot.Take() ?? new MutationTracer();
                AfterInput(result.Connection!, now);
                break;
            case EndpointResultKind.Response:
                _outbound.Enqueue((_responseBuffer.AsSpan(0, result.Response.Length).ToArray(), result.Response.Local, result.Response.Remote, result.Response.Ecn));
                break;
            default:
                DroppedDatagrams++;
                break;
        }

        DrainOutputs(now);
        return result.Kind;
    }

    /// <summary>Forgets every connection (the shadow server does this between mutants).</summary>
    public void Reset()
    {
        foreach (Connection connection in _connections)
        {
            Endpoint.Remove(connection);
            connection.Dispose();
        }

        _connections.Clear();
        _tracers.Clear();
        _outbound.Clear();
    }

    public void Dispose()
    {
        foreach (Connection connection in _connections)
        {
            connection.Dispose();
        }

        Endpoint.Dispose();
    }

    void ISimulatedNode.HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
        byte[] original = datagram.ToArray();
        if (Rewrite is not null)
        {
            original = Rewrite(original);
        }

        Interceptor?.Invoke(this, now, local, remote, original, ecn);
        Deliver(now, local, remote, original, ecn);
    }

    void ISimulatedNode.HandleTimeout(Instant now)
    {
        for (int i = 0; i < _connections.Count; i++)
        {
            Connection connection = _connections[i];
            if (connection.State != ConnectionState.Terminated && connection.GetNextDeadline() <= now)
            {
                connection.HandleTimeout(now);
                AfterInput(connection, now);
            }
        }

        DrainOutputs(now);
    }

    bool ISimulatedNode.TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        if (_outbound.Count == 0)
        {
            DrainOutputs(now);
        }

        if (!_outbound.TryDequeue(out (byte[] Data, IPEndPoint Local, IPEndPoint Remote, EcnCodepoint Ecn) next))
        {
            transmit = default;
            return false;
        }

        next.Data.CopyTo(buffer);
        transmit = new SimTransmit(next.Local, next.Remote, next.Data.Length, next.Ecn);
        return true;
    }

    Instant ISimulatedNode.GetNextDeadline()
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

    /// <summary>Polls every connection's transmits until none has more; throws when one does not go quiet.</summary>
    private void DrainOutputs(Instant now)
    {
        for (int i = 0; i < _connections.Count; i++)
        {
            Connection connection = _connections[i];
            int count = 0;
            while (connection.State != ConnectionState.Terminated && connection.TryPollTransmit(now, _transmitBuffer, out Transmit t))
            {
                if (++count > MaxTransmitsPerInput)
                {
                    throw new MutationInvariantException($"{Name}: a connection produced more than {MaxTransmitsPerInput} transmits for one input (the output path does not go quiet).");
                }

                int segment = t.SegmentSize > 0 && t.SegmentSize < t.Length ? t.SegmentSize : t.Length;
                for (int offset = 0; offset < t.Length; offset += segment)
                {
                    int length = Math.Min(segment, t.Length - offset);
                    _outbound.Enqueue((_transmitBuffer.AsSpan(offset, length).ToArray(), t.Local, t.Remote, t.Ecn));
                }
            }
        }
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

/// <summary>Hands the tracer an endpoint's tracer factory created for a connection it accepted to the host.</summary>
internal sealed class TracerSlot
{
    private MutationTracer? _last;

    public IConnectionTracer Create(bool isServer, ConnectionId originalDestination)
    {
        _last = new MutationTracer();
        return _last;
    }

    public MutationTracer? Take()
    {
        MutationTracer? last = _last;
        _last = null;
        return last;
    }
}

/// <summary>A broken invariant found by the mutation harness (not an exception from the core).</summary>
internal sealed class MutationInvariantException(string message) : Exception(message);
