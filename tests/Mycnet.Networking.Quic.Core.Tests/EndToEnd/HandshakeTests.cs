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

public sealed class HandshakeScenarioTests
{
    [Fact]
    public void HandshakeLoss_FiftyHandshakesAtThirtyPercentLossEachWay_AllSucceed()
    {
        var link = new Mycnet.Networking.Testing.Simulation.LinkConditions { Latency = TimeSpan.FromMilliseconds(10), LossProbability = 0.30 };
        var pair = new SimPair(seed: 40, link);
        var clients = new List<Connection>();
        for (int i = 0; i < 50; i++)
        {
            clients.Add(pair.Connect());
        }

        pair.RunUntil(
            () => clients.TrueForAll(c => c.IsHandshakeConfirmed || c.State == ConnectionState.Terminated),
            TimeSpan.FromSeconds(60),
            "fifty handshakes");
        Assert.All(clients, c => Assert.True(c.IsHandshakeConfirmed, $"handshake failed: {c.CloseInfo}"));
        Assert.Equal(50, pair.Server.Connections.Count(s => s.IsHandshakeComplete));
        Assert.True(pair.Links.AToB.Counters.Dropped(Mycnet.Networking.Testing.Simulation.SimDropCause.RandomLoss) > 50);
    }

    [Fact]
    public void HelloRetryRequest_ServerPreferringAnotherGroup_CompletesOverTheNetwork()
    {
        Mycnet.Networking.Quic.Core.Tls.TlsServerOptions serverTls = new()
        {
            Certificate = Mycnet.Networking.Testing.Quic.QuicTestConfig.ServerTls().Certificate,
            ApplicationProtocols = [Mycnet.Networking.Testing.Quic.QuicTestConfig.Alpn],
            KeyExchangeGroups = [Mycnet.Networking.Quic.Core.Tls.TlsNamedGroup.Secp384r1],
        };
        var pair = new SimPair(seed: 41, serverTls: serverTls);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed || client.State == ConnectionState.Terminated, TimeSpan.FromSeconds(5), "handshake with HelloRetryRequest");
        Assert.True(client.IsHandshakeConfirmed, client.CloseInfo?.ToString());
    }

    [Fact]
    public void Retry_ServerRequiringRetry_ValidatesTheClientAndCompletes()
    {
        var pair = new SimPair(seed: 42, requireRetry: true);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed || client.State == ConnectionState.Terminated, TimeSpan.FromSeconds(5), "handshake with Retry");
        Assert.True(client.IsHandshakeConfirmed, client.CloseInfo?.ToString());
        Assert.Equal(1, pair.Server.StatelessResponses); // exactly one Retry
        Assert.Single(pair.Server.Connections);
        Assert.Equal(client.OriginalDestinationConnectionId, pair.ServerConnection!.OriginalDestinationConnectionId);
    }

    [Fact]
    public void IdleTimeout_BothSidesCloseSilentlyAfterTheNegotiatedTimeout()
    {
        var settings = new TransportSettings { MaxIdleTimeout = TimeSpan.FromSeconds(2) };
        var pair = new SimPair(seed: 43, serverTransport: new TransportSettings { MaxIdleTimeout = TimeSpan.FromSeconds(5) });
        Connection client = pair.Connect(settings);
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "handshake");
        Instant established = pair.Now;
        pair.RunUntil(() => client.State == ConnectionState.Terminated && pair.ServerConnection!.State == ConnectionState.Terminated, TimeSpan.FromSeconds(10), "idle timeout");
        Assert.Equal(CloseReason.IdleTimeout, client.CloseInfo!.Reason);
        Assert.Equal(CloseReason.IdleTimeout, pair.ServerConnection!.CloseInfo!.Reason);
        TimeSpan idle = pair.Now - established;
        Assert.InRange(idle, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2.5)); // the smaller of the two (RFC 9000 §10.1)
    }

    [Fact]
    public void KeepAlive_PreventsTheIdleTimeout()
    {
        var settings = new TransportSettings { MaxIdleTimeout = TimeSpan.FromSeconds(2), KeepAliveInterval = TimeSpan.FromMilliseconds(500) };
        var pair = new SimPair(seed: 44, serverTransport: new TransportSettings { MaxIdleTimeout = TimeSpan.FromSeconds(2) });
        Connection client = pair.Connect(settings);
        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "handshake");
        pair.Network.RunFor(TimeSpan.FromSeconds(10));
        Assert.Equal(ConnectionState.Established, client.State);
        Assert.Equal(ConnectionState.Established, pair.ServerConnection!.State);
    }

    [Fact]
    public void Close_ApplicationCodeAndReasonReachThePeer()
    {
        var pair = new SimPair(seed: 45);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "handshake");
        client.Close(pair.Now, 0x1234, "bye");
        pair.Network.Wake(pair.ClientNode);
        pair.RunUntil(() => pair.ServerConnection!.State is ConnectionState.Draining or ConnectionState.Terminated, TimeSpan.FromSeconds(5), "peer close");
        ConnectionCloseInfo info = pair.ServerConnection!.CloseInfo!;
        Assert.Equal(CloseReason.PeerClosed, info.Reason);
        Assert.True(info.IsApplicationError);
        Assert.Equal(0x1234UL, info.ErrorCode);
        Assert.Equal("bye", info.ReasonPhrase);
        pair.RunUntil(() => client.State == ConnectionState.Terminated && pair.ServerConnection.State == ConnectionState.Terminated, TimeSpan.FromSeconds(5), "both terminate");
    }
}

public sealed class HandshakeFootprintTests
{
    [Fact]
    public void HandshakeConfirmed_BothEnds_ReleaseTheirInitialAndHandshakeCryptoBuffers()
    {
        // RFC 9001 §4.9: once the Initial and Handshake keys are gone nothing more arrives or is
        // resent at those levels, so an idle connection keeps none of the flights' bytes (the
        // certificate chain was the largest of them).
        var pair = new SimPair(seed: 42);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "handshake");
        pair.Network.RunUntil(() => false, TimeSpan.FromSeconds(1));

        Assert.Equal(0, client.GetFootprint().CryptoReceiveBufferBytes);
        Assert.Equal(0, pair.ServerConnection!.GetFootprint().CryptoReceiveBufferBytes);
    }
}
