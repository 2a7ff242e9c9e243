using System.Net;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>A client host and a server host joined by a simulated link: the engine's test bench.</summary>
internal sealed class SimPair
{
    public static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.0.0.1"), 50000);
    public static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.0.0.2"), 4433);

    public SimPair(int seed, LinkConditions? conditions = null, TransportSettings? serverTransport = null, bool requireRetry = false, TlsServerOptions? serverTls = null, QuicSimHost? server = null)
    {
        Network = new SimulatedNetwork(seed);
        Server = server ?? new QuicSimHost("server", QuicTestConfig.Server((seed * 2) + 1, serverTransport, requireRetry, serverTls), ServerAddress);
        Client = new QuicSimHost("client", QuicTestConfig.Client(seed * 2), ClientAddress);
        ServerNode = Network.AddNode("server", Server, ServerAddress);
        ClientNode = Network.AddNode("client", Client, ClientAddress);
        Links = Network.Connect(ClientNode, ServerNode, conditions ?? new LinkConditions { Latency = TimeSpan.FromMilliseconds(10) });
    }

    public SimulatedNetwork Network { get; }

    public QuicSimHost Client { get; }

    public QuicSimHost Server { get; }

    public SimNode ClientNode { get; }

    public SimNode ServerNode { get; }

    public SimLinkPair Links { get; }

    public Instant Now => Network.Now;

    public Connection Connect(TransportSettings? settings = null, TlsClientOptions? tls = null)
    {
        Connection connection = Client.Connect(Network.Now, settings ?? new TransportSettings(), tls ?? QuicTestConfig.ClientTls(), ServerAddress);
        Network.Wake(ClientNode);
        return connection;
    }

    public Connection? ServerConnection => Server.Connections.Count > 0 ? Server.Connections[^1] : null;

    /// <summary>Runs until <paramref name="condition"/> holds; fails with the seed when the virtual time limit passes.</summary>
    public void RunUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        if (!Network.RunUntil(condition, limit))
        {
            throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit.TotalSeconds:0.###} s of virtual time (seed {Network.Seed}, now {Network.Now}).");
        }
    }
}
