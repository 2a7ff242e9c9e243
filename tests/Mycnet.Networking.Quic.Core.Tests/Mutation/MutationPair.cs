using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>A client and a server <see cref="MutationHost"/> on a 10 ms link, for the targeted mutation tests.</summary>
internal sealed class MutationPair : IDisposable
{
    public MutationPair(int seed, TransportSettings? serverSettings = null)
    {
        Network = new SimulatedNetwork(seed);
        var slot = new TracerSlot();
        Server = new MutationHost(
            "server",
            new EndpointConfig { ServerTransport = serverSettings ?? new TransportSettings(), ServerTls = QuicTestConfig.ServerTls(), Random = new SeededRandomSource(seed), TracerFactory = slot.Create },
            MutationCampaign.ServerAddress,
            slot);
        Client = new MutationHost("client", new EndpointConfig { Random = new SeededRandomSource(seed + 1) }, MutationCampaign.ClientAddress, new TracerSlot());
        SimNode serverNode = Network.AddNode("server", Server, MutationCampaign.ServerAddress);
        SimNode clientNode = Network.AddNode("client", Client, MutationCampaign.ClientAddress);
        Links = Network.Connect(clientNode, serverNode, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10) });
        Client.Activity = DrainEvents;
        Server.Activity = DrainEvents;
    }

    public SimulatedNetwork Network { get; }

    public MutationHost Client { get; }

    public MutationHost Server { get; }

    /// <summary>AToB carries client to server, BToA server to client.</summary>
    public SimLinkPair Links { get; }

    public Connection? ServerConnection => Server.Connections.Count > 0 ? Server.Connections[^1] : null;

    public Connection Connect(TransportSettings? settings = null, MutationKeyRing? keyRing = null, TlsClientOptions? tls = null) =>
        Client.Connect(Network.Now, settings ?? new TransportSettings(), tls ?? QuicTestConfig.ClientTls(), MutationCampaign.ServerAddress, new MutationTracer { KeyRing = keyRing });

    public void RunUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        if (!Network.RunUntil(condition, limit))
        {
            throw new Xunit.Sdk.XunitException($"{what} did not happen within {limit.TotalSeconds:0.###} s of virtual time (now {Network.Now}).");
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        Server.Dispose();
    }

    private static void DrainEvents(Connection connection, Instant now)
    {
        while (connection.TryPollEvent(out _))
        {
        }
    }
}
