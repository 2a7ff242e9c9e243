using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class PingTests
{
    [Fact]
    public void Ping_IsAcknowledgedEvenWhenPacketsAreLost()
    {
        var pair = new SimPair(seed: 98, new LinkConditions { Latency = TimeSpan.FromMilliseconds(20), LossProbability = 0.4 });
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(30), "handshake");
        while (client.TryPollEvent(out _))
        {
        }

        int acknowledged = 0;
        for (int i = 0; i < 20; i++)
        {
            client.Ping();
            pair.Network.Wake(pair.ClientNode);
            bool seen = false;
            pair.RunUntil(
                () =>
                {
                    while (client.TryPollEvent(out ConnectionEvent e))
                    {
                        seen |= e.Kind == ConnectionEventKind.PingAcknowledged;
                    }

                    return seen;
                },
                TimeSpan.FromSeconds(20),
                $"ping {i} acknowledged");
            acknowledged++;
        }

        Assert.Equal(20, acknowledged);
        Assert.True(client.GetStats().PacketsLost > 0, "some pings or acknowledgments were lost and recovered");
    }
}
