using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkBandwidthTests
{
    [Fact]
    public void Bandwidth_SerialisesBackToBackDatagrams_OneAfterAnother()
    {
        var net = new SimulatedNetwork(seed: 30);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { BandwidthBitsPerSecond = 10_000_000, Latency = Ms(5) });
        for (int i = 0; i < 3; i++)
        {
            manual.Send(ClientAddress, ServerAddress, new byte[1250]); // 1 ms each at 10 Mbit/s
        }

        net.RunFor(Ms(20));
        manual.Send(ClientAddress, ServerAddress, new byte[1250]); // the link is idle again at 20 ms
        net.RunFor(Ms(20));

        Assert.Equal([At(6), At(7), At(8), At(26)], sink.Arrivals.Select(a => a.ArrivedAt));
    }

    [Fact]
    public void Bandwidth_AtRatesThatDoNotDivideATick_DoesNotDrift()
    {
        var net = new SimulatedNetwork(seed: 31);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { BandwidthBitsPerSecond = 3_000_000, QueueCapacityBytes = 1_000_000 });
        for (int i = 0; i < 300; i++)
        {
            manual.Send(ClientAddress, ServerAddress, new byte[1000]); // 8,000 bits = 26,666.67 ticks each
        }

        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(300, sink.Count);
        Assert.Equal(Instant.FromTicks(26_666), sink.Arrivals[0].ArrivedAt);
        Assert.Equal(Instant.FromTicks(53_333), sink.Arrivals[1].ArrivedAt);
        Assert.Equal(At(8), sink.Arrivals[2].ArrivedAt);
        Assert.Equal(At(800), sink.Arrivals[299].ArrivedAt); // 300 × 8,000 bits at 3 Mbit/s, exactly
    }

    [Fact]
    public void SenderAtTwiceTheLinkRate_GetsTheLinkRate_AndTheRestIsTailDropped()
    {
        const long rate = 10_000_000;
        const int queue = 50_000;
        var net = new SimulatedNetwork(seed: 32);
        var sink = new SinkNode();
        // 1,250 B every 0.5 ms = 20 Mbit/s for 2 s.
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 1250, Ms(0.5), 4000), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { BandwidthBitsPerSecond = rate, Latency = Ms(20), QueueCapacityBytes = queue }).AToB;

        Assert.True(net.RunUntilIdle(TimeSpan.FromSeconds(5)));

        // The link is busy from the first datagram on: 2 s at 1,250,000 B/s, plus what was queued at the end.
        Assert.InRange(sink.Bytes, 2_500_000, 2_500_000 + queue + 1250);
        Assert.Equal(4000 - sink.Count, link.Counters.Dropped(SimDropCause.QueueFull));
        Assert.True(link.Counters.MaxQueuedBytes <= queue, $"queue reached {link.Counters.MaxQueuedBytes} B");

        // In steady state the delivery rate is the link rate.
        long bytesInSecond = sink.Arrivals.Where(a => a.ArrivedAt >= At(500) && a.ArrivedAt < At(1500)).Sum(a => (long)a.Length);
        Assert.InRange(bytesInSecond, 1_250_000 - 1250, 1_250_000 + 1250);

        // And the one-way delay settles at latency + a full queue's worth of serialisation (40 ms).
        TimeSpan lastDelay = sink.Arrivals[^1].ArrivedAt - sink.Arrivals[^1].SentAt;
        Assert.InRange(lastDelay, Ms(20 + 39), Ms(20 + 41));
    }

    [Fact]
    public void Path100MbitPer20Ms_HasTheRoundTripAndThroughputOfSuchAPath()
    {
        var net = new SimulatedNetwork(seed: 33);
        var sink = new SinkNode();
        var ping = new PingNode(ClientAddress, ServerAddress, Ms(100), count: 1, size: 1250);
        SimNode pinger = net.AddNode("pinger", ping, ClientAddress);
        SimNode echo = net.AddNode("echo", new EchoNode(), ServerAddress);
        var path = new LinkConditions { BandwidthBitsPerSecond = 100_000_000, Latency = Ms(20) };
        net.Connect(pinger, echo, path);

        Assert.True(net.RunUntil(() => ping.Done, TimeSpan.FromSeconds(1)));
        Assert.Equal(Ms(40.2), Assert.Single(ping.RoundTrips)); // 2 × (20 ms + 1,250 B at 100 Mbit/s)

        var blastClient = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.1.1"), 1);
        var blastServer = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("10.0.1.2"), 2);
        // 1,200 B every 48 µs = 200 Mbit/s for one second.
        SimNode sender = net.AddNode("sender", new BlasterNode(blastClient, blastServer, 1200, TimeSpan.FromTicks(480), 20_834, net.Now), blastClient);
        SimNode receiver = net.AddNode("receiver", sink, blastServer);
        SimLink link = net.Connect(sender, receiver, path).AToB;
        Instant start = net.Now;

        net.RunFor(TimeSpan.FromSeconds(2));

        // Sending lasts 1 s; in the steady part of it the receiver gets exactly 100 Mbit/s.
        long bytesIn800Ms = sink.Arrivals.Where(a => a.ArrivedAt >= start + Ms(100) && a.ArrivedAt < start + Ms(900)).Sum(a => (long)a.Length);
        Assert.InRange(bytesIn800Ms, 10_000_000 - 1200, 10_000_000 + 1200);
        Assert.True(link.Counters.Dropped(SimDropCause.QueueFull) > 9000);
        // A full default queue (256 KiB) adds about 21 ms of delay.
        TimeSpan worst = sink.Arrivals.Max(a => a.ArrivedAt - a.SentAt);
        Assert.InRange(worst, Ms(40), Ms(42));
    }

    [Fact]
    public void LossAfterTheBottleneck_StillUsesTheBandwidth()
    {
        var net = new SimulatedNetwork(seed: 34);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { BandwidthBitsPerSecond = 10_000_000, LossProbability = 0.5 }).AToB;
        for (int i = 0; i < 100; i++)
        {
            manual.Send(ClientAddress, ServerAddress, new byte[1250]);
        }

        net.RunFor(TimeSpan.FromSeconds(1));

        // Each arrival lands on the 1 ms grid of its own serialisation slot, lost neighbours included.
        Assert.Equal(100 - sink.Count, link.Counters.Dropped(SimDropCause.RandomLoss));
        Assert.All(sink.Arrivals, a => Assert.Equal(0, a.ArrivedAt.Ticks % TimeSpan.TicksPerMillisecond));
        Assert.True(sink.Arrivals[^1].ArrivedAt > At(sink.Count), "lost datagrams did not occupy the link");
    }
}
