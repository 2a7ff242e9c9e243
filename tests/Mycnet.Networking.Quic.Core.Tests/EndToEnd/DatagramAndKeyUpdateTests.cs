using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class DatagramAndKeyUpdateTests
{
    private static (SimPair Pair, Connection Client, Connection Server) Established(int seed, LinkConditions? link = null, TransportSettings? client = null, TransportSettings? server = null)
    {
        var pair = new SimPair(seed, link, serverTransport: server);
        Connection c = pair.Connect(client);
        pair.RunUntil(() => c.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "handshake");
        return (pair, c, pair.ServerConnection!);
    }

    [Fact]
    public void Datagram_DeliveredBothWays()
    {
        (SimPair pair, Connection client, Connection server) = Established(80);
        for (byte i = 0; i < 20; i++)
        {
            Assert.True(client.TrySendDatagram([i, 1, 2, 3]));
            Assert.True(server.TrySendDatagram([i, 9]));
        }

        pair.Network.Wake(pair.ClientNode);
        pair.Network.Wake(pair.ServerNode);
        pair.Network.RunFor(TimeSpan.FromMilliseconds(200));
        var atServer = new List<byte[]>();
        while (server.TryReadDatagram(out byte[] d))
        {
            atServer.Add(d);
        }

        var atClient = new List<byte[]>();
        while (client.TryReadDatagram(out byte[] d))
        {
            atClient.Add(d);
        }

        Assert.Equal(20, atServer.Count);
        Assert.Equal(20, atClient.Count);
        Assert.Equal([5, 1, 2, 3], atServer[5]);
        Assert.Equal([7, 9], atClient[7]);
    }

    [Fact]
    public void Datagram_BoundedByMaxDatagramFrameSize()
    {
        (_, Connection client, _) = Established(81, server: new TransportSettings { MaxDatagramFrameSize = 500 });
        Assert.Equal(499, client.MaxDatagramPayloadSize); // max_datagram_frame_size counts the frame type byte
        Assert.Throws<ArgumentException>(() => client.TrySendDatagram(new byte[500]));
        Assert.True(client.TrySendDatagram(new byte[499]));
    }

    [Fact]
    public void Datagram_PeerWithoutDatagrams_RefusesToSend()
    {
        (_, Connection client, _) = Established(82, server: new TransportSettings { MaxDatagramFrameSize = 0 });
        Assert.False(client.DatagramsSupported);
        Assert.Throws<InvalidOperationException>(() => client.TrySendDatagram([1]));
    }

    [Fact]
    public void Datagram_LargerThanAdvertised_IsAProtocolViolation()
    {
        (SimPair pair, Connection client, Connection server) = Established(83, server: new TransportSettings { MaxDatagramFrameSize = 100 });

        // Make the client misbehave: pretend the server allowed more.
        client.PeerParameters!.MaxDatagramFrameSize = 65535;
        Assert.True(client.TrySendDatagram(new byte[300]));
        pair.Network.Wake(pair.ClientNode);
        pair.RunUntil(() => server.State != ConnectionState.Established, TimeSpan.FromSeconds(2), "server close");
        Assert.Equal(TransportErrorCode.ProtocolViolation, server.CloseInfo!.TransportError);
        pair.RunUntil(() => client.State is ConnectionState.Draining or ConnectionState.Terminated, TimeSpan.FromSeconds(2), "client drains");
        Assert.Equal(CloseReason.PeerClosed, client.CloseInfo!.Reason);
    }

    [Fact]
    public void Datagram_LostDatagramsAreNotRetransmitted()
    {
        (SimPair pair, Connection client, Connection server) = Established(84, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), LossProbability = 0.2 });
        int sent = 0;
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.True(client.TrySendDatagram([(byte)round, (byte)i]));
                sent++;
            }

            pair.Network.Wake(pair.ClientNode);
            pair.Network.RunFor(TimeSpan.FromMilliseconds(50));
        }

        pair.Network.RunFor(TimeSpan.FromSeconds(2));
        int received = 0;
        while (server.TryReadDatagram(out _))
        {
            received++;
        }

        Assert.InRange(received, sent / 2, sent - 1);
        Assert.Equal(ConnectionState.Established, client.State);
    }

    [Fact]
    public void KeyUpdate_BothDirectionsMidTransfer_TransferArrivesByteExact()
    {
        var pair = new SimPair(seed: 85, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 200_000_000, QueueCapacityBytes = 1 << 20 });
        var transfer = new BulkTransfer(2, 10_000_000);
        transfer.AttachClient(pair.Client);
        transfer.AttachServer(pair.Server);
        Action<Connection, Instant> clientApp = pair.Client.Activity!;
        Action<Connection, Instant> serverApp = pair.Server.Activity!;
        bool clientUpdated = false;
        bool serverUpdated = false;
        pair.Client.Activity = (c, now) =>
        {
            clientApp(c, now);
            if (!clientUpdated && transfer.BytesVerified > 4_000_000)
            {
                clientUpdated = c.InitiateKeyUpdate(now);
            }
        };
        pair.Server.Activity = (c, now) =>
        {
            serverApp(c, now);
            if (clientUpdated && !serverUpdated && transfer.BytesVerified > 12_000_000)
            {
                serverUpdated = c.InitiateKeyUpdate(now);
            }
        };
        Connection client = pair.Connect();
        pair.RunUntil(() => transfer.Completed || transfer.Error is not null, TimeSpan.FromSeconds(60), "transfer with key updates");
        Assert.Null(transfer.Error);
        Assert.True(clientUpdated, "the client initiated a key update");
        Assert.True(serverUpdated, "the server initiated a key update");
        Assert.True(client.KeyUpdateCount >= 2, $"client key updates: {client.KeyUpdateCount}");
        Assert.True(pair.ServerConnection!.KeyUpdateCount >= 2, $"server key updates: {pair.ServerConnection.KeyUpdateCount}");
    }
}
