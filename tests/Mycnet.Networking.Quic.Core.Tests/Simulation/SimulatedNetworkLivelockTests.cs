using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkLivelockTests
{
    [Fact]
    public void NodeWhoseDeadlineNeverAdvances_IsReportedByNameAndTime()
    {
        var net = new SimulatedNetwork(seed: 80);
        var stuck = new StuckDeadlineNode(At(5));
        net.AddNode("stuck", stuck, ClientAddress);

        SimulationLivelockException e = Assert.Throws<SimulationLivelockException>(() => net.RunFor(TimeSpan.FromSeconds(1)));

        Assert.Equal("stuck", e.NodeName);
        Assert.Equal(At(5), e.Time);
        Assert.Equal(80, e.Seed);
        Assert.Contains("'stuck'", e.Message, StringComparison.Ordinal);
        Assert.Contains("5ms", e.Message, StringComparison.Ordinal);
        Assert.Contains("seed 80", e.Message, StringComparison.Ordinal);
        Assert.Equal(net.MaxTimeoutsPerInstant, stuck.Timeouts);
    }

    [Fact]
    public void NodeThatNeverStopsTransmitting_IsReportedByNameAndTime()
    {
        var net = new SimulatedNetwork(seed: 81) { MaxTransmitsPerPoll = 5000 };
        SimNode chatty = net.AddNode("chatty", new EndlessSenderNode(ClientAddress, ServerAddress), ClientAddress);
        SimNode sink = net.AddNode("sink", new SinkNode(record: false), ServerAddress);
        net.Connect(chatty, sink, new LinkConditions { Latency = Ms(1) });

        SimulationLivelockException e = Assert.Throws<SimulationLivelockException>(() => net.RunFor(TimeSpan.FromSeconds(1)));

        Assert.Equal("chatty", e.NodeName);
        Assert.Equal(Instant.Zero, e.Time);
        Assert.Contains("5000", e.Message, StringComparison.Ordinal);
        Assert.Equal(5000, chatty.Counters.DatagramsSent);
    }

    [Fact]
    public void ZeroLatencyExchangeThatNeverEnds_IsCaughtAtTheInstantItLoops()
    {
        var net = new SimulatedNetwork(seed: 82, start: At(3)) { MaxEventsPerInstant = 10_000 };
        var serve = new ManualNode();
        SimNode a = net.AddNode("server", serve, ServerAddress);
        SimNode b = net.AddNode("echo", new EchoNode(), ClientAddress);
        net.Connect(a, b, new LinkConditions());
        // The first datagram makes the echo answer, and the server echoes every answer back.
        serve.Send(ServerAddress, ClientAddress, [1]);
        serve.EchoEverything = true;

        SimulationLivelockException e = Assert.Throws<SimulationLivelockException>(() => net.RunFor(TimeSpan.FromSeconds(1)));

        Assert.Equal(At(3), e.Time);
        Assert.Contains("10000 events", e.Message, StringComparison.Ordinal);
        Assert.Contains("seed 82", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BusyButProgressingNodes_DoNotTripTheGuards()
    {
        var net = new SimulatedNetwork(seed: 83);
        var sink = new SinkNode(record: false);
        // 50,000 datagrams at one instant, then one timeout per 100 ns for 10,000 ticks.
        SimNode burst = net.AddNode("burst", new BlasterNode(ClientAddress, ServerAddress, 50, TimeSpan.FromTicks(1), 50_000, burst: 50_000), ClientAddress);
        SimNode ticker = net.AddNode("ticker", new BlasterNode(new IPEndPoint(IPAddress.Parse("10.0.0.7"), 7), ServerAddress, 50, TimeSpan.FromTicks(1), 10_000), new IPEndPoint(IPAddress.Parse("10.0.0.7"), 7));
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.AddLink(burst, server, new LinkConditions());
        net.AddLink(ticker, server, new LinkConditions());

        Assert.True(net.RunUntilIdle(TimeSpan.FromSeconds(1)));

        Assert.Equal(60_000, sink.Count);
        Assert.Equal(10_000, ticker.Counters.Timeouts);
    }
}

/// <summary>Reports a fixed deadline and ignores its timeouts: a livelock.</summary>
internal sealed class StuckDeadlineNode(Instant deadline) : ISimulatedNode
{
    public int Timeouts { get; private set; }

    public void HandleDatagram(Instant now, IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
    }

    public void HandleTimeout(Instant now) => Timeouts++;

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        transmit = default;
        return false;
    }

    public Instant GetNextDeadline() => deadline;
}

/// <summary>Always has another datagram to send.</summary>
internal sealed class EndlessSenderNode(IPEndPoint local, IPEndPoint destination) : ISimulatedNode
{
    public void HandleDatagram(Instant now, IPEndPoint localAddress, IPEndPoint remote, ReadOnlySpan<byte> datagram, EcnCodepoint ecn)
    {
    }

    public void HandleTimeout(Instant now)
    {
    }

    public bool TryPollTransmit(Instant now, Span<byte> buffer, out SimTransmit transmit)
    {
        buffer[0] = 1;
        transmit = new SimTransmit(local, destination, 1);
        return true;
    }

    public Instant GetNextDeadline() => Instant.MaxValue;
}
