using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>
/// A client and a server core endpoint joined by a simulated link, with tracers attached the way
/// a driver attaches them: <see cref="EndpointConfig.TracerFactory"/> for accepted connections and
/// <see cref="Endpoint.Connect"/>'s tracer for the outgoing one.
/// </summary>
internal sealed class DiagnosticsSimPair
{
    public static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.0.0.1"), 50000);
    public static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.0.0.2"), 4433);

    public DiagnosticsSimPair(int seed, Func<bool, ConnectionId, IConnectionTracer?> serverTracerFactory, LinkConditions? conditions = null)
    {
        Network = new SimulatedNetwork(seed);
        var serverConfig = new EndpointConfig
        {
            ServerTls = QuicTestConfig.ServerTls(),
            Random = new SeededRandomSource((seed * 2) + 1),
            TracerFactory = serverTracerFactory,
        };
        Server = new QuicSimHost("server", serverConfig, ServerAddress);
        Client = new QuicSimHost("client", QuicTestConfig.Client(seed * 2), ClientAddress);
        ServerNode = Network.AddNode("server", Server, ServerAddress);
        ClientNode = Network.AddNode("client", Client, ClientAddress);
        Network.Connect(ClientNode, ServerNode, conditions ?? new LinkConditions { Latency = TimeSpan.FromMilliseconds(10) });
    }

    public SimulatedNetwork Network { get; }

    public QuicSimHost Client { get; }

    public QuicSimHost Server { get; }

    public SimNode ClientNode { get; }

    public SimNode ServerNode { get; }

    public Connection? ServerConnection => Server.Connections.Count > 0 ? Server.Connections[^1] : null;

    public Connection Connect(IConnectionTracer? tracer, TransportSettings? settings = null)
    {
        Connection connection = Client.Connect(Network.Now, settings ?? new TransportSettings(), QuicTestConfig.ClientTls(), ServerAddress, tracer);
        Network.Wake(ClientNode);
        return connection;
    }

    public void RunUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        if (!Network.RunUntil(condition, limit))
        {
            throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit.TotalSeconds:0.###} s of virtual time (seed {Network.Seed}, now {Network.Now}).");
        }
    }

    /// <summary>Runs the handshake to confirmation on both sides.</summary>
    public (Connection Client, Connection Server) Handshake(IConnectionTracer? clientTracer, TransportSettings? settings = null)
    {
        Connection client = Connect(clientTracer, settings);
        RunUntil(() => client.IsHandshakeConfirmed && ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(10), "handshake");
        return (client, ServerConnection!);
    }

    /// <summary>Closes <paramref name="closer"/> with an application error and runs until both sides have terminated.</summary>
    public void CloseAndTerminate(Connection closer, Connection other, ulong errorCode, string reason)
    {
        closer.Close(Network.Now, errorCode, reason);
        Network.Wake(closer == ServerConnection ? ServerNode : ClientNode);
        RunUntil(() => closer.State == ConnectionState.Terminated && other.State == ConnectionState.Terminated, TimeSpan.FromSeconds(120), "close");
    }

    /// <summary>Runs a bulk transfer from the client over <paramref name="streams"/> streams.</summary>
    public BulkTransfer Transfer(IConnectionTracer? clientTracer, int streams, long bytesPerStream, TimeSpan limit)
    {
        var transfer = new BulkTransfer(streams, bytesPerStream);
        transfer.AttachClient(Client);
        transfer.AttachServer(Server);
        Connect(clientTracer);
        RunUntil(() => transfer.Completed || transfer.Error is not null, limit, $"transfer of {streams}x{bytesPerStream} bytes");
        Assert.Null(transfer.Error);
        Assert.Equal(streams * bytesPerStream, transfer.BytesVerified);
        return transfer;
    }
}
