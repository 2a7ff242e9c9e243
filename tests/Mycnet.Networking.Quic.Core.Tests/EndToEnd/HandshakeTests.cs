namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class HandshakeTests
{
    [Fact]
    public void Handshake_CompletesOverASimulatedLink_AndBothSidesAgree()
    {
        var pair = new SimPair(seed: 1);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "handshake");

        Connection server = pair.ServerConnection!;
        Assert.Equal(ConnectionState.Established, client.State);
        Assert.Equal(ConnectionState.Established, server.State);
        Assert.Equal("mycnet-test", client.ApplicationProtocol);
        Assert.Equal("mycnet-test", server.ApplicationProtocol);
        Assert.Equal(client.CipherSuite, server.CipherSuite);
        Assert.NotNull(client.PeerCertificate);

        // One round trip of 20 ms plus the handshake flights: well under a second of virtual time.
        Assert.True(pair.Now.ToTimeSpan() < TimeSpan.FromMilliseconds(200), $"handshake took {pair.Now}");
        Assert.True(client.GetStats().SmoothedRtt >= TimeSpan.FromMilliseconds(20));
    }
}
