using System.Net;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>RFC 9000 §9.3: the server follows a client whose NAT binding changed, validating the new path.</summary>
public sealed class RebindTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rebind_MidTransfer_ServerValidatesTheNewPathAndTheTransferCompletes(bool addressChanges)
    {
        var pair = new SimPair(seed: addressChanges ? 110 : 111, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000, QueueCapacityBytes = 1 << 20 });
        var transfer = new BulkTransfer(2, 5_000_000);
        transfer.AttachClient(pair.Client);
        transfer.AttachServer(pair.Server);
        pair.Connect();
        pair.RunUntil(() => transfer.BytesVerified > 2_000_000, TimeSpan.FromSeconds(30), "the first 2 MB");

        // The client's NAT picks a new public port (and, in one case, a new address).
        var rebound = new IPEndPoint(addressChanges ? IPAddress.Parse("10.0.0.9") : SimPair.ClientAddress.Address, 61000);
        pair.Network.Rebind(pair.ClientNode, SimPair.ClientAddress, rebound);
        pair.Network.Connect(rebound, SimPair.ServerAddress, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000, QueueCapacityBytes = 1 << 20 });

        pair.RunUntil(() => transfer.Completed || transfer.Error is not null, TimeSpan.FromSeconds(60), "the transfer after the rebinding");
        Assert.Null(transfer.Error);
        Connection server = pair.ServerConnection!;
        Assert.Equal(rebound, server.RemoteEndPoint);
        Assert.Equal(ConnectionState.Established, server.State);
        Assert.Contains(ConnectionEventKind.PathValidated, transfer.ServerEvents);
    }
}

public sealed class RebindWhileIdleTests
{
    [Fact]
    public void Rebind_WhileIdle_ASmallPacketFromTheNewAddressStartsValidationWithinTheAmplificationLimit()
    {
        var pair = new SimPair(seed: 112);
        Connection client = pair.Connect();
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "handshake");
        pair.Network.RunFor(TimeSpan.FromSeconds(1));
        Connection server = pair.ServerConnection!;
        while (server.TryPollEvent(out _))
        {
        }

        var rebound = new IPEndPoint(SimPair.ClientAddress.Address, 61001);
        pair.Network.Rebind(pair.ClientNode, SimPair.ClientAddress, rebound);
        pair.Network.Connect(rebound, SimPair.ServerAddress, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10) });

        // A PING-sized packet from the new address allows the server only three times its size
        // until the path is validated: the server must still challenge the path.
        client.Ping();
        pair.Network.Wake(pair.ClientNode);
        bool validated = false;
        pair.RunUntil(
            () =>
            {
                while (server.TryPollEvent(out ConnectionEvent e))
                {
                    validated |= e.Kind == ConnectionEventKind.PathValidated;
                }

                return validated;
            },
            TimeSpan.FromSeconds(5),
            "validation of the new path");
        Assert.Equal(rebound, server.RemoteEndPoint);
        Assert.Equal(ConnectionState.Established, client.State);
    }
}
