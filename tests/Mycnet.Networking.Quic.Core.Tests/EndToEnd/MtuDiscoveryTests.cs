using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class MtuDiscoveryTests
{
    private static Connection Run(int seed, int linkMtu, int maxDatagramSize)
    {
        var link = new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), Mtu = linkMtu };
        var settings = new TransportSettings { MaxDatagramSize = maxDatagramSize };
        var pair = new SimPair(seed, link, serverTransport: settings);
        Connection client = pair.Connect(settings);
        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "handshake");
        pair.Network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(ConnectionState.Established, client.State);
        return client;
    }

    [Fact]
    public void MtuDiscovery_PathThatCarriesTheMaximum_ReachesIt()
    {
        Connection client = Run(95, linkMtu: 1500, maxDatagramSize: 1452);
        Assert.Equal(1452, client.GetStats().MaxDatagramSize);
    }

    [Fact]
    public void MtuDiscovery_SmallerPath_SettlesBelowItsMtuWithoutBreakingTheConnection()
    {
        Connection client = Run(96, linkMtu: 1350, maxDatagramSize: 1452);
        int size = client.GetStats().MaxDatagramSize;
        Assert.InRange(size, 1350 - 24, 1350);
    }

    [Fact]
    public void MtuDiscovery_DisabledWhenMaximumEqualsInitial()
    {
        Connection client = Run(97, linkMtu: 1500, maxDatagramSize: 1200);
        Assert.Equal(1200, client.GetStats().MaxDatagramSize);
    }
}
