using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkRoutingTests
{
    private static readonly IPEndPoint Wifi = new(IPAddress.Parse("192.168.1.10"), 40_000);
    private static readonly IPEndPoint Cellular = new(IPAddress.Parse("100.64.0.10"), 40_000);
    private static readonly IPEndPoint NatPublic1 = new(IPAddress.Parse("203.0.113.5"), 61_000);
    private static readonly IPEndPoint NatPublic2 = new(IPAddress.Parse("203.0.113.5"), 61_999);

    [Fact]
    public void NodeLink_CarriesBothDirections_AndReceiversSeeTheirOwnAndTheSendersAddress()
    {
        var net = new SimulatedNetwork(seed: 50);
        var client = new ManualNode();
        var server = new ManualNode();
        SimNode c = net.AddNode("client", client, ClientAddress);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions { Latency = Ms(5) });
        client.Send(ClientAddress, ServerAddress, [1, 2, 3]);
        server.Send(ServerAddress, ClientAddress, [4, 5]);

        net.RunFor(Ms(10));

        Arrival atServer = Assert.Single(server.Arrivals);
        Assert.Equal((ServerAddress, ClientAddress, At(5)), (atServer.Local, atServer.Remote, atServer.ArrivedAt));
        Assert.Equal([1, 2, 3], atServer.Bytes);
        Arrival atClient = Assert.Single(client.Arrivals);
        Assert.Equal((ClientAddress, ServerAddress), (atClient.Local, atClient.Remote));
        Assert.Equal(1, c.Counters.DatagramsSent);
        Assert.Equal(3, c.Counters.BytesSent);
        Assert.Equal(1, s.Counters.DatagramsReceived);
    }

    [Fact]
    public void WithoutALinkOrAnOwner_DatagramsAreDroppedAsNoRoute()
    {
        var net = new SimulatedNetwork(seed: 51);
        var client = new ManualNode();
        var server = new ManualNode();
        SimNode c = net.AddNode("client", client, ClientAddress);
        net.AddNode("server", server, ServerAddress);
        var causes = new List<SimDropCause>();
        net.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Dropped)
            {
                causes.Add(e.DropCause);
            }
        };
        client.Send(ClientAddress, ServerAddress, [1]); // no link
        client.Send(ClientAddress, new IPEndPoint(IPAddress.Parse("10.9.9.9"), 1), [2]); // nobody there

        net.RunFor(Ms(1));

        Assert.Empty(server.Arrivals);
        Assert.Equal([SimDropCause.NoRoute, SimDropCause.NoRoute], causes);
        Assert.Equal(2, c.Counters.Dropped(SimDropCause.NoRoute));
    }

    [Fact]
    public void SendingFromAnAddressTheNodeDoesNotOwn_IsDroppedAsUnknownSource()
    {
        var net = new SimulatedNetwork(seed: 52);
        var client = new ManualNode();
        var server = new ManualNode();
        SimNode c = net.AddNode("client", client, ClientAddress);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions());
        client.Send(Wifi, ServerAddress, [1]);
        client.Send(ServerAddress, ServerAddress, [2]); // another node's address

        net.RunFor(Ms(1));

        Assert.Empty(server.Arrivals);
        Assert.Equal(2, c.Counters.Dropped(SimDropCause.UnknownSource));
    }

    [Fact]
    public void AddressLink_TakesPrecedenceOverTheNodeLink_ForItsAddressPair()
    {
        var net = new SimulatedNetwork(seed: 53);
        var client = new ManualNode();
        var server = new EchoNode();
        SimNode c = net.AddNode("client", client, Wifi, Cellular);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions { Latency = Ms(10) });
        SimLinkPair cellularPath = net.Connect(Cellular, ServerAddress, new LinkConditions { Latency = Ms(50) });
        Assert.Same(cellularPath.AToB, net.FindLink(Cellular, ServerAddress));
        Assert.Same(net.Links[0], net.FindLink(Wifi, ServerAddress));
        client.Send(Wifi, ServerAddress, new byte[20]);
        client.Send(Cellular, ServerAddress, new byte[20]);

        net.RunFor(Ms(200));

        Assert.Equal([(Wifi, At(20)), (Cellular, At(100))], client.Arrivals.Select(a => (a.Local, a.ArrivedAt)));
        Assert.Equal(1, cellularPath.AToB.Counters.DatagramsDelivered);
        Assert.Equal(1, cellularPath.BToA.Counters.DatagramsDelivered);
        Assert.Equal(1, net.Links[0].Counters.DatagramsDelivered);
    }

    [Fact]
    public void NatRebinding_ChangesTheAddressThePeerSees_ButNotTheNodesOwn()
    {
        var net = new SimulatedNetwork(seed: 54);
        var client = new ManualNode();
        var server = new EchoNode();
        SimNode c = net.AddNode("client", client, Wifi);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions { Latency = Ms(10) });
        var seenByServer = new List<IPEndPoint>();
        net.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Delivered && e.DestinationNode == s)
            {
                seenByServer.Add(e.Source);
            }
        };
        net.Rebind(c, Wifi, NatPublic1);
        client.Send(Wifi, ServerAddress, new byte[8]);
        net.RunFor(Ms(100));

        net.Rebind(c, Wifi, NatPublic2);
        client.Send(Wifi, ServerAddress, new byte[8]);
        net.RunFor(Ms(100));

        Assert.Equal([NatPublic1, NatPublic2], seenByServer);
        Assert.Equal(NatPublic2, c.GetPublicAddress(Wifi));
        // Both echoes reach the client at its unchanged local address.
        Assert.Equal([Wifi, Wifi], client.Arrivals.Select(a => a.Local));
        Assert.Equal([At(20), At(120)], client.Arrivals.Select(a => a.ArrivedAt));
    }

    [Fact]
    public void NatRebinding_DropsWhatIsInFlightToTheOldMapping()
    {
        var net = new SimulatedNetwork(seed: 55);
        var client = new ManualNode();
        var server = new ManualNode();
        SimNode c = net.AddNode("client", client, Wifi);
        SimNode s = net.AddNode("server", server, ServerAddress);
        SimLinkPair path = net.Connect(c, s, new LinkConditions { Latency = Ms(10) });
        server.Send(ServerAddress, Wifi, [1]); // arrives at 10 ms: after the rebinding at 5 ms
        net.Schedule(At(5), () => net.Rebind(c, Wifi, NatPublic1));
        net.Schedule(At(6), () => server.Send(ServerAddress, Wifi, [2])); // the old mapping is gone
        net.Schedule(At(7), () => server.Send(ServerAddress, NatPublic1, [3]));

        net.RunFor(Ms(50));

        Assert.Equal([3], client.Arrivals.Select(a => a.Bytes![0]));
        Assert.Equal(Wifi, client.Arrivals[0].Local);
        Assert.Equal(2, s.Counters.Dropped(SimDropCause.NoRoute));
        Assert.Equal(1, path.BToA.Counters.Dropped(SimDropCause.NoRoute)); // the one dropped on arrival
    }

    [Fact]
    public void Migration_ToANewAddress_AfterTheOldOneIsRemoved()
    {
        var net = new SimulatedNetwork(seed: 56);
        var client = new ManualNode();
        var server = new EchoNode();
        SimNode c = net.AddNode("client", client, Wifi);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions { Latency = Ms(1) });

        net.AddAddress(c, Cellular);
        net.RemoveAddress(c, Wifi);
        Assert.Equal([Cellular], c.LocalAddresses);
        client.Send(Wifi, ServerAddress, [1]);
        client.Send(Cellular, ServerAddress, [2]);
        net.RunFor(Ms(10));

        Assert.Equal(1, c.Counters.Dropped(SimDropCause.UnknownSource));
        Assert.Equal([(Cellular, (byte)2)], client.Arrivals.Select(a => (a.Local, a.Bytes![0])));
    }

    [Fact]
    public void Topology_RejectsDuplicateAddressesNamesAndLinks()
    {
        var net = new SimulatedNetwork(seed: 57);
        SimNode a = net.AddNode("a", new SinkNode(), ClientAddress);
        SimNode b = net.AddNode("b", new SinkNode(), ServerAddress);
        Assert.Throws<ArgumentException>(() => net.AddNode("c", new SinkNode(), ClientAddress));
        Assert.Throws<ArgumentException>(() => net.AddNode("a", new SinkNode(), Wifi));
        Assert.Throws<ArgumentException>(() => net.AddNode("d", new SinkNode(), Wifi, Wifi));
        Assert.Throws<ArgumentException>(() => net.Rebind(a, ClientAddress, ServerAddress));
        net.AddLink(a, b, new LinkConditions());
        Assert.Throws<InvalidOperationException>(() => net.AddLink(a, b, new LinkConditions()));
        var other = new SimulatedNetwork(seed: 57);
        Assert.Throws<ArgumentException>(() => other.AddLink(a, b, new LinkConditions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkConditions { LossProbability = 1.5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkConditions { Latency = Ms(-1) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new GilbertElliottLoss(0.1, double.NaN));
    }

    [Fact]
    public void Connect_GivesEachDirectionItsOwnConditions()
    {
        var net = new SimulatedNetwork(seed: 58);
        SimNode a = net.AddNode("a", new SinkNode(), ClientAddress);
        SimNode b = net.AddNode("b", new SinkNode(), ServerAddress);
        var shared = new LinkConditions { Latency = Ms(5) };

        SimLinkPair pair = net.Connect(a, b, shared);
        pair.AToB.Conditions.LossProbability = 0.5;

        Assert.NotSame(pair.AToB.Conditions, pair.BToA.Conditions);
        Assert.Equal(0, pair.BToA.Conditions.LossProbability);
        Assert.Equal(0, shared.LossProbability);
        Assert.Equal("a->b", pair.AToB.Name);
    }

    [Fact]
    public void GsoBatch_IsSplitIntoSegments()
    {
        var net = new SimulatedNetwork(seed: 59);
        var client = new ManualNode();
        var server = new ManualNode();
        SimNode c = net.AddNode("client", client, ClientAddress);
        SimNode s = net.AddNode("server", server, ServerAddress);
        net.Connect(c, s, new LinkConditions { Mtu = 1000 });
        byte[] batch = Enumerable.Range(0, 2500).Select(i => (byte)(i / 1000)).ToArray();
        client.Send(ClientAddress, ServerAddress, batch, EcnCodepoint.Ect1, segmentSize: 1000);

        net.RunFor(Ms(1));

        Assert.Equal([1000, 1000, 500], server.Arrivals.Select(a => a.Length));
        Assert.All(server.Arrivals, a => Assert.Equal(EcnCodepoint.Ect1, a.Ecn));
        for (int i = 0; i < 3; i++)
        {
            Assert.All(server.Arrivals[i].Bytes!, b => Assert.Equal(i, b));
        }

        Assert.Equal(3, c.Counters.DatagramsSent);
    }

    [Fact]
    public void Observer_SeesEveryDatagram_AndItsCountsMatchTheCounters()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = SimulatedNetworkImpairmentTests.Blast(
            seed: 60, count: 3000, new LinkConditions { LossProbability = 0.1, DuplicateProbability = 0.1, Latency = Ms(3) });
        long sent = 0, delivered = 0, dropped = 0, deliveredBytes = 0;
        net.DatagramObserved += e =>
        {
            switch (e.Kind)
            {
                case SimDatagramEventKind.Sent:
                    sent++;
                    Assert.Null(e.Link);
                    break;
                case SimDatagramEventKind.Delivered:
                    delivered++;
                    deliveredBytes += e.Length;
                    Assert.Same(link, e.Link);
                    Assert.Equal(net.Now, e.Time);
                    break;
                default:
                    dropped++;
                    Assert.Equal(SimDropCause.RandomLoss, e.DropCause);
                    break;
            }
        };

        net.RunFor(TimeSpan.FromSeconds(4));

        Assert.Equal(3000, sent);
        Assert.Equal(sink.Count, delivered);
        Assert.Equal(sink.Bytes, deliveredBytes);
        Assert.Equal(link.Counters.TotalDropped, dropped);
    }

    [Fact]
    public void Observer_CanCheckAnAntiAmplificationLimitOnEveryDatagram()
    {
        // A server may send at most 3× what it received from an address (RFC 9000 §8.1).
        Assert.Equal(0, RunAmplifier(factor: 3));
        SimulationException failure = Assert.Throws<SimulationException>(() => RunAmplifier(factor: 4));
        Assert.Contains("seed 61", failure.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<Xunit.Sdk.XunitException>(failure.InnerException);

        static long RunAmplifier(int factor)
        {
            var net = new SimulatedNetwork(seed: 61);
            var client = new ManualNode();
            SimNode c = net.AddNode("client", client, ClientAddress);
            SimNode s = net.AddNode("server", new AmplifierNode(factor), ServerAddress);
            net.Connect(c, s, new LinkConditions { Latency = Ms(5) });
            var received = new Dictionary<IPEndPoint, long>();
            var sentTo = new Dictionary<IPEndPoint, long>();
            net.DatagramObserved += e =>
            {
                if (e.Kind == SimDatagramEventKind.Delivered && e.DestinationNode == s)
                {
                    received[e.Source] = received.GetValueOrDefault(e.Source) + e.Length;
                }
                else if (e.Kind == SimDatagramEventKind.Sent && e.SourceNode == s)
                {
                    sentTo[e.Destination] = sentTo.GetValueOrDefault(e.Destination) + e.Length;
                    Assert.True(sentTo[e.Destination] <= 3 * received.GetValueOrDefault(e.Destination), $"server sent {sentTo[e.Destination]} B to {e.Destination} after receiving {received.GetValueOrDefault(e.Destination)} B");
                }
            };
            for (int i = 0; i < 5; i++)
            {
                client.Send(ClientAddress, ServerAddress, new byte[100]);
            }

            net.RunFor(Ms(100));
            return c.Counters.TotalDropped;
        }
    }

    /// <summary>Answers each datagram with <c>factor</c> datagrams of the same size.</summary>
    private sealed class AmplifierNode(int factor) : ISimulatedNode
    {
        private readonly Queue<(IPEndPoint Local, IPEndPoint Remote, int Length)> _replies = new();

        public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
        {
            for (int i = 0; i < factor; i++)
            {
                _replies.Enqueue((local, remote, datagram.Length));
            }
        }

        public void HandleTimeout(Instant now)
        {
        }

        public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
        {
            if (!_replies.TryDequeue(out (IPEndPoint Local, IPEndPoint Remote, int Length) reply))
            {
                transmit = default;
                return false;
            }

            buffer[..reply.Length].Clear();
            transmit = new SimTransmit(reply.Local, reply.Remote, reply.Length);
            return true;
        }

        public Instant GetNextDeadline() => Instant.MaxValue;
    }
}
