using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkTimingTests
{
    [Fact]
    public void Latency_DelaysEveryDatagramByExactlyTheOneWayTime()
    {
        var net = new SimulatedNetwork(seed: 1);
        var sink = new SinkNode();
        net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 100), ClientAddress);
        net.AddNode("server", sink, ServerAddress);
        SimNode client = net.Nodes[0];
        net.Connect(client, net.Nodes[1], new LinkConditions { Latency = Ms(20) });

        Assert.True(net.RunUntil(() => sink.Count == 100, TimeSpan.FromSeconds(1)));

        Assert.All(sink.Arrivals, a => Assert.Equal(Ms(20), a.ArrivedAt - a.SentAt));
        Assert.Equal(At(99 + 20), net.Now); // stopped at the event that met the condition
    }

    [Fact]
    public void PingOverAsymmetricLink_RoundTripIsTheSumOfBothDirections()
    {
        var net = new SimulatedNetwork(seed: 1);
        var ping = new PingNode(ClientAddress, ServerAddress, Ms(100), count: 5);
        SimNode client = net.AddNode("client", ping, ClientAddress);
        SimNode server = net.AddNode("server", new EchoNode(), ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(30) }, new LinkConditions { Latency = Ms(7) });

        Assert.True(net.RunUntil(() => ping.Done, TimeSpan.FromSeconds(2)));

        Assert.Equal([Ms(37), Ms(37), Ms(37), Ms(37), Ms(37)], ping.RoundTrips);
        Assert.Equal(At(400 + 37), net.Now);
    }

    [Fact]
    public void Jitter_StaysWithinLatencyPlusJitter_AndKeepsTheLinkFifo()
    {
        var net = new SimulatedNetwork(seed: 2);
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 2000), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(10), Jitter = Ms(5) });

        net.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(2000, sink.Count);
        var delays = new HashSet<TimeSpan>();
        for (int i = 0; i < sink.Arrivals.Count; i++)
        {
            Arrival a = sink.Arrivals[i];
            Assert.Equal(i, a.Sequence); // FIFO: arrival order is send order
            TimeSpan delay = a.ArrivedAt - a.SentAt;
            Assert.InRange(delay, Ms(10), Ms(15));
            delays.Add(delay);
        }

        Assert.True(delays.Count > 500, $"only {delays.Count} distinct delays: jitter not applied");
        Assert.True(delays.Min() < Ms(10.5) && delays.Max() > Ms(14.5), $"delays span {delays.Min()}..{delays.Max()}");
    }

    [Fact]
    public void Jitter_WithJitterReorders_DrawsEachDelayIndependentlyAndReorders()
    {
        var net = new SimulatedNetwork(seed: 2);
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 2000), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(10), Jitter = Ms(5), JitterReorders = true });

        net.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(2000, sink.Count);
        Assert.All(sink.Arrivals, a => Assert.InRange(a.ArrivedAt - a.SentAt, Ms(10), Ms(15)));
        Assert.True(CountLate(sink.Arrivals) > 100, "jitter of 5 ms at 1 ms spacing should reorder often");
    }

    [Fact]
    public void Reordering_HoldsBackTheConfiguredShare_AndLaterDatagramsOvertakeEachOne()
    {
        var net = new SimulatedNetwork(seed: 3);
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 5000), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { Latency = Ms(10), ReorderProbability = 0.1, ReorderDelay = Ms(5) }).AToB;

        net.RunFor(TimeSpan.FromSeconds(6));

        Assert.Equal(5000, sink.Count);
        Assert.InRange(link.Counters.Reordered, 400, 600);
        // Every held-back datagram arrives after its successor; nothing else arrives out of order.
        Assert.Equal(link.Counters.Reordered, CountLate(sink.Arrivals));
        Assert.All(sink.Arrivals, a => Assert.True(a.ArrivedAt - a.SentAt == Ms(10) || a.ArrivedAt - a.SentAt == Ms(15)));
    }

    [Fact]
    public void Deadlines_FireAtExactlyTheRequestedVirtualTimes()
    {
        var net = new SimulatedNetwork(seed: 4);
        var timers = new TimerNode(At(5), At(150), Instant.FromTicks(At(150).Ticks + 1), At(1000));
        SimNode node = net.AddNode("timers", timers, ClientAddress);

        net.RunFor(Ms(100));
        Assert.Equal([At(5)], timers.Fired);
        Assert.Equal(At(100), net.Now);

        net.RunFor(Ms(100));
        Assert.Equal([At(5), At(150), Instant.FromTicks(At(150).Ticks + 1)], timers.Fired);
        Assert.Equal(3, node.Counters.Timeouts);

        Assert.True(net.RunUntilIdle(TimeSpan.FromSeconds(5)));
        Assert.Equal(At(1000), net.Now);
        Assert.Equal(4, timers.Fired.Count);
    }

    [Fact]
    public void Deadline_InThePast_FiresAtTheCurrentTime()
    {
        var net = new SimulatedNetwork(seed: 4, start: At(500));
        var timers = new TimerNode(At(100));
        net.AddNode("late", timers, ClientAddress);

        net.RunFor(Ms(1));

        Assert.Equal([At(500)], timers.Fired);
    }

    [Fact]
    public void RunUntil_ReturnsFalseAtTheLimit_WhenTheConditionNeverHolds()
    {
        var net = new SimulatedNetwork(seed: 5);
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 100, Ms(10), 10), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(1) });

        Assert.False(net.RunUntil(() => sink.Count == 11, Ms(500)));
        Assert.Equal(At(500), net.Now);
        Assert.Equal(10, sink.Count);

        Assert.True(net.RunUntil(() => sink.Count == 10, Ms(500))); // already true: no time passes
        Assert.Equal(At(500), net.Now);
    }

    [Fact]
    public void CommandsBetweenRuns_AreSentWhenTheNextRunStarts()
    {
        var net = new SimulatedNetwork(seed: 6);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(3) });
        net.RunFor(Ms(10));

        manual.Send(ClientAddress, ServerAddress, new byte[40]);
        net.RunFor(Ms(10));

        Assert.Equal(At(13), Assert.Single(sink.Arrivals).ArrivedAt);
    }

    [Fact]
    public void ScheduledActions_RunAtTheirTime_AndWakeTheNodes()
    {
        var net = new SimulatedNetwork(seed: 6);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(3) });
        Instant? ranAt = null;
        net.Schedule(At(50), () =>
        {
            ranAt = net.Now;
            manual.Send(ClientAddress, ServerAddress, new byte[40]);
        });

        net.RunFor(Ms(100));

        Assert.Equal(At(50), ranAt);
        Assert.Equal(At(53), Assert.Single(sink.Arrivals).ArrivedAt);
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Schedule(At(99), () => { }));
    }

    [Fact]
    public void Wake_PollsANodeCommandedFromAnObserver()
    {
        var net = new SimulatedNetwork(seed: 6);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(3) });
        bool replied = false;
        net.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Delivered && !replied)
            {
                replied = true;
                manual.Send(ClientAddress, ServerAddress, new byte[41]);
                net.Wake(client);
            }
        };
        manual.Send(ClientAddress, ServerAddress, new byte[40]);

        net.RunFor(Ms(100));

        Assert.Equal([At(3), At(6)], sink.Arrivals.Select(a => a.ArrivedAt));
    }

    private static int CountLate(List<Arrival> arrivals)
    {
        long highest = -1;
        int late = 0;
        foreach (Arrival a in arrivals)
        {
            if (a.Sequence < highest)
            {
                late++;
            }

            highest = Math.Max(highest, a.Sequence);
        }

        return late;
    }
}
