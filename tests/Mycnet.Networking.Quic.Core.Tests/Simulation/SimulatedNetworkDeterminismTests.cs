using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkDeterminismTests
{
    private static readonly IPEndPoint OtherClient = new(IPAddress.Parse("10.0.0.3"), 50_001);

    [Fact]
    public void SameSeed_ReplaysAnIdenticalTrace_DifferentSeedDoesNot()
    {
        (ulong fingerprint, long events, List<SimTraceEntry> entries) first = Trace(seed: 70);
        (ulong fingerprint, long events, List<SimTraceEntry> entries) again = Trace(seed: 70);
        (ulong fingerprint, long events, List<SimTraceEntry> entries) other = Trace(seed: 71);

        Assert.True(first.events > 5000);
        Assert.Equal(first.fingerprint, again.fingerprint);
        Assert.Equal(first.entries, again.entries);
        Assert.NotEqual(first.fingerprint, other.fingerprint);
        Assert.NotEqual(first.entries, other.entries);
    }

    [Fact]
    public void Fingerprint_ChangesWhenOnePayloadByteDiffers()
    {
        Assert.NotEqual(Fingerprint(0x00), Fingerprint(0x01));
        Assert.Equal(Fingerprint(0x00), Fingerprint(0x00));

        static ulong Fingerprint(byte last)
        {
            var net = new SimulatedNetwork(seed: 72);
            var client = new ManualNode();
            SimNode c = net.AddNode("client", client, ClientAddress);
            SimNode s = net.AddNode("server", new SinkNode(), ServerAddress);
            net.Connect(c, s, new LinkConditions());
            using var trace = new SimTraceRecorder(net, keepEntries: false);
            client.Send(ClientAddress, ServerAddress, [1, 2, 3, last]);
            net.RunFor(Ms(1));
            Assert.Equal(2, trace.Count);
            return trace.Fingerprint;
        }
    }

    [Fact]
    public void EachLinkDrawsFromItsOwnStream_SoChangingOneLinkLeavesTheOthersAlone()
    {
        Assert.Equal(LostOnFirstLink(secondLinkLoss: 0), LostOnFirstLink(secondLinkLoss: 0.5));

        static long[] LostOnFirstLink(double secondLinkLoss)
        {
            var net = new SimulatedNetwork(seed: 73);
            var sink = new SinkNode();
            SimNode a = net.AddNode("a", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 1000), ClientAddress);
            SimNode b = net.AddNode("b", new BlasterNode(OtherClient, ServerAddress, 100, Ms(1), 1000), OtherClient);
            SimNode s = net.AddNode("server", sink, ServerAddress);
            net.AddLink(a, s, new LinkConditions { LossProbability = 0.1, Jitter = Ms(2) });
            net.AddLink(b, s, new LinkConditions { LossProbability = secondLinkLoss, Jitter = Ms(2) });
            net.RunFor(TimeSpan.FromSeconds(2));
            var fromA = sink.Arrivals.Where(x => x.Remote.Equals(ClientAddress)).Select(x => x.Sequence).ToHashSet();
            return Enumerable.Range(0, 1000).Select(i => (long)i).Where(i => !fromA.Contains(i)).ToArray();
        }
    }

    [Fact]
    public void DerivedRandomStreams_AreReproducibleAndDistinct()
    {
        var one = new SimulatedNetwork(seed: 74);
        var two = new SimulatedNetwork(seed: 74);
        var three = new SimulatedNetwork(seed: 75);

        Assert.Equal(one.DeriveSeed(1), two.DeriveSeed(1));
        Assert.NotEqual(one.DeriveSeed(1), one.DeriveSeed(2));
        Assert.NotEqual(one.DeriveSeed(1), three.DeriveSeed(1));
        Assert.Equal(one.CreateRandom(9).Next(), two.CreateRandom(9).Next());
    }

    [Fact]
    public void Scenario_AddsTheSeedToAnyFailure()
    {
        SimulationException failure = Assert.Throws<SimulationException>(() => SimulationScenario.Run(seed: 76, net =>
        {
            var sink = new SinkNode();
            SimNode c = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 10), ClientAddress);
            SimNode s = net.AddNode("server", sink, ServerAddress);
            net.Connect(c, s, new LinkConditions { LossProbability = 1 });
            net.RunFor(Ms(50));
            Assert.Equal(10, sink.Count); // fails: everything is lost
        }));

        Assert.Equal(76, failure.Seed);
        Assert.Equal(At(50), failure.Time);
        Assert.StartsWith("Scenario failed at 50ms (seed 76", failure.Message, StringComparison.Ordinal);
        Assert.IsType<Xunit.Sdk.EqualException>(failure.InnerException);
    }

    [Fact]
    public void Scenario_PassesSimulationFailuresThroughUnchanged()
    {
        var livelock = Assert.Throws<SimulationLivelockException>(() => SimulationScenario.Run(seed: 77, net =>
        {
            net.AddNode("stuck", new StuckDeadlineNode(At(5)), ClientAddress);
            net.RunFor(Ms(10));
        }));

        Assert.Equal(77, livelock.Seed);
    }

    [Fact]
    public void NodeException_IsWrappedWithTheNodeTheTimeAndTheSeed()
    {
        var net = new SimulatedNetwork(seed: 78);
        var client = new ManualNode();
        SimNode c = net.AddNode("client", client, ClientAddress);
        SimNode s = net.AddNode("broken", new ThrowingNode(), ServerAddress);
        net.Connect(c, s, new LinkConditions { Latency = Ms(7) });
        client.Send(ClientAddress, ServerAddress, [1]);

        SimulationException failure = Assert.Throws<SimulationException>(() => net.RunFor(Ms(10)));

        Assert.Equal("broken", failure.NodeName);
        Assert.Equal(At(7), failure.Time);
        Assert.Contains("seed 78", failure.Message, StringComparison.Ordinal);
        Assert.Contains("'broken'", failure.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(failure.InnerException);
    }

    private static (ulong Fingerprint, long Events, List<SimTraceEntry> Entries) Trace(long seed)
    {
        var net = new SimulatedNetwork(seed);
        SimNode a = net.AddNode("a", new PingNode(ClientAddress, ServerAddress, Ms(1), 1500, size: 200), ClientAddress);
        SimNode b = net.AddNode("b", new EchoNode(), ServerAddress);
        SimNode c = net.AddNode("c", new BlasterNode(OtherClient, ServerAddress, 1200, Ms(0.5), 3000), OtherClient);
        var everything = new LinkConditions
        {
            Latency = Ms(10),
            Jitter = Ms(4),
            LossProbability = 0.05,
            BurstLoss = new GilbertElliottLoss(0.01, 0.3),
            ReorderProbability = 0.05,
            DuplicateProbability = 0.05,
            CorruptionProbability = 0.05,
            BandwidthBitsPerSecond = 20_000_000,
            QueueCapacityBytes = 30_000,
        };
        net.Connect(a, b, everything);
        net.Connect(c, b, everything);
        using var trace = new SimTraceRecorder(net);
        net.RunFor(TimeSpan.FromSeconds(3));
        return (trace.Fingerprint, trace.Count, trace.Entries.ToList());
    }

    private sealed class ThrowingNode : ISimulatedNode
    {
        public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn) =>
            throw new InvalidDataException("bad datagram");

        public void HandleTimeout(Instant now)
        {
        }

        public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
        {
            transmit = default;
            return false;
        }

        public Instant GetNextDeadline() => Instant.MaxValue;
    }
}
