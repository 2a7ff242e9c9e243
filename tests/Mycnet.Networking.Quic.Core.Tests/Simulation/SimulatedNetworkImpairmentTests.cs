using System.Numerics;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing.Simulation;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkImpairmentTests
{
    [Fact]
    public void RandomLoss_DropsTheConfiguredShare_AndCountsEveryDrop()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 10, count: 20_000, new LinkConditions { Latency = Ms(5), LossProbability = 0.1 });

        net.RunFor(TimeSpan.FromSeconds(25));

        long lost = 20_000 - sink.Count;
        Assert.InRange(lost, 2000 - 212, 2000 + 212); // 5 standard deviations
        Assert.Equal(lost, link.Counters.Dropped(SimDropCause.RandomLoss));
        Assert.Equal(lost, link.Counters.TotalDropped);
        Assert.Equal(lost, net.Nodes[0].Counters.Dropped(SimDropCause.RandomLoss));
        Assert.Equal(20_000, link.Counters.DatagramsSent);
        Assert.Equal(sink.Count, link.Counters.DatagramsDelivered);
        Assert.Equal(sink.Count, net.Nodes[1].Counters.DatagramsReceived);
    }

    [Fact]
    public void RandomLoss_WithAFixedSeed_LosesExactlyTheSameDatagrams()
    {
        long[] first = LostSequences(seed: 11);
        long[] second = LostSequences(seed: 11);
        long[] other = LostSequences(seed: 12);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);

        static long[] LostSequences(long seed)
        {
            (SimulatedNetwork net, SinkNode sink, _) = Blast(seed, count: 2000, new LinkConditions { LossProbability = 0.05 });
            net.RunFor(TimeSpan.FromSeconds(3));
            var received = sink.Arrivals.Select(a => a.Sequence).ToHashSet();
            return Enumerable.Range(0, 2000).Select(i => (long)i).Where(s => !received.Contains(s)).ToArray();
        }
    }

    [Fact]
    public void BurstLoss_LosesInRunsAtTheChainsMeanRate()
    {
        var model = new GilbertElliottLoss(goodToBad: 0.01, badToGood: 0.25);
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 13, count: 50_000, new LinkConditions { BurstLoss = model });

        net.RunFor(TimeSpan.FromSeconds(60));

        double rate = (50_000 - sink.Count) / 50_000.0;
        Assert.InRange(rate, model.MeanLossRate - 0.01, model.MeanLossRate + 0.01);
        Assert.Equal(50_000 - sink.Count, link.Counters.Dropped(SimDropCause.BurstLoss));
        double meanRun = MeanLossRun(sink, 50_000);
        Assert.InRange(meanRun, 3.0, 5.0); // 1 / BadToGood = 4; independent loss at this rate gives about 1.04
    }

    [Fact]
    public void Duplication_DeliversTheConfiguredShareTwice()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 14, count: 5000, new LinkConditions { Latency = Ms(2), Jitter = Ms(1), DuplicateProbability = 0.2 });

        net.RunFor(TimeSpan.FromSeconds(6));

        Assert.InRange(link.Counters.Duplicated, 1000 - 150, 1000 + 150);
        Assert.Equal(5000 + link.Counters.Duplicated, sink.Count);
        var perSequence = sink.Arrivals.GroupBy(a => a.Sequence).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(5000, perSequence.Count);
        Assert.Equal(link.Counters.Duplicated, perSequence.Values.Count(n => n == 2));
        Assert.All(perSequence.Values, n => Assert.InRange(n, 1, 2));
    }

    [Fact]
    public void Corruption_FlipsExactlyTheConfiguredBitsInACopy_AndNeverChangesTheLength()
    {
        var net = new SimulatedNetwork(seed: 15);
        var sink = new SinkNode(keepBytes: true);
        var sentBytes = new List<byte[]>();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, 300, Ms(1), 2000), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { Latency = Ms(1), CorruptionProbability = 0.3, CorruptionBitFlips = 3 }).AToB;
        net.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Sent)
            {
                sentBytes.Add(e.Datagram.ToArray());
            }
        };

        net.RunFor(TimeSpan.FromSeconds(3));

        Assert.Equal(2000, sink.Count);
        int corrupted = 0;
        for (int i = 0; i < 2000; i++) // FIFO and lossless: the i-th arrival is the i-th datagram sent
        {
            byte[] received = sink.Arrivals[i].Bytes!;
            Assert.Equal(sentBytes[i].Length, received.Length);
            int flipped = HammingDistance(sentBytes[i], received);
            Assert.True(flipped is 0 or 3, $"datagram {i}: {flipped} bits flipped");
            corrupted += flipped == 3 ? 1 : 0;
        }

        Assert.Equal(link.Counters.Corrupted, corrupted);
        Assert.InRange(corrupted, 600 - 120, 600 + 120);
    }

    [Fact]
    public void Corruption_NeverTouchesTheSendersBuffer()
    {
        var net = new SimulatedNetwork(seed: 16);
        var manual = new ManualNode();
        var sink = new SinkNode(keepBytes: true);
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { CorruptionProbability = 1 });
        byte[] original = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();
        byte[] kept = (byte[])original.Clone();
        manual.Send(ClientAddress, ServerAddress, original);

        net.RunFor(Ms(1));

        Assert.Equal(kept, original);
        Assert.Equal(1, HammingDistance(original, Assert.Single(sink.Arrivals).Bytes!));
    }

    [Fact]
    public void Mtu_DropsOnlyDatagramsLongerThanIt()
    {
        var net = new SimulatedNetwork(seed: 17);
        var manual = new ManualNode();
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", manual, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { Mtu = 1200 }).AToB;
        var drops = new List<(int Length, SimDropCause Cause)>();
        net.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Dropped)
            {
                drops.Add((e.Length, e.DropCause));
            }
        };
        manual.Send(ClientAddress, ServerAddress, new byte[1199]);
        manual.Send(ClientAddress, ServerAddress, new byte[1200]);
        manual.Send(ClientAddress, ServerAddress, new byte[1201]);
        manual.Send(ClientAddress, ServerAddress, new byte[1500]);

        net.RunFor(Ms(1));

        Assert.Equal([1199, 1200], sink.Arrivals.Select(a => a.Length));
        Assert.Equal([(1201, SimDropCause.Mtu), (1500, SimDropCause.Mtu)], drops);
        Assert.Equal(2, link.Counters.Dropped(SimDropCause.Mtu));
    }

    [Fact]
    public void Blackout_DropsEverythingSentInItsWindow_AndNothingOutside()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 18, count: 3000, new LinkConditions { Latency = Ms(10) });
        link.AddBlackout(At(1000), Ms(500));

        net.RunFor(TimeSpan.FromSeconds(4));

        // The blaster sends datagram n at n ms.
        long[] expected = Enumerable.Range(0, 3000).Where(n => n < 1000 || n >= 1500).Select(n => (long)n).ToArray();
        Assert.Equal(expected, sink.Arrivals.Select(a => a.Sequence));
        Assert.Equal(500, link.Counters.Dropped(SimDropCause.Blackout));
        Assert.True(link.IsBlackedOut(At(1499.9999)));
        Assert.False(link.IsBlackedOut(At(1500)));
    }

    [Fact]
    public void LinkDownAndUp_WhileRunning_DropsOnlyWhileDown()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 19, count: 1000, new LinkConditions { Latency = Ms(10) });
        net.Schedule(At(500), () => link.IsUp = false);
        net.Schedule(At(700), () => link.IsUp = true);

        net.RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal(800, sink.Count);
        Assert.DoesNotContain(sink.Arrivals, a => a.Sequence is >= 500 and < 700);
        Assert.Equal(200, link.Counters.Dropped(SimDropCause.LinkDown));
    }

    [Fact]
    public void LossChangedWhileRunning_AppliesFromThatMomentOn()
    {
        (SimulatedNetwork net, SinkNode sink, SimLink link) = Blast(seed: 20, count: 3000, new LinkConditions { Latency = Ms(10) });
        net.Schedule(At(1000), () => link.Conditions.LossProbability = 1);
        net.Schedule(At(2000), () => link.Conditions = new LinkConditions { Latency = Ms(30) });

        net.RunFor(TimeSpan.FromSeconds(4));

        Assert.Equal(2000, sink.Count);
        Assert.All(sink.Arrivals, a => Assert.True(a.Sequence is < 1000 or >= 2000));
        Assert.All(sink.Arrivals, a => Assert.Equal(a.Sequence < 1000 ? Ms(10) : Ms(30), a.ArrivedAt - a.SentAt));
    }

    [Fact]
    public void Ecn_IsCarried_OrClearedByABleachingLink()
    {
        foreach (bool clear in new[] { false, true })
        {
            var net = new SimulatedNetwork(seed: 21);
            var sink = new SinkNode();
            var blaster = new BlasterNode(ClientAddress, ServerAddress, 100, Ms(1), 10) { Ecn = EcnCodepoint.Ect0 };
            SimNode client = net.AddNode("client", blaster, ClientAddress);
            SimNode server = net.AddNode("server", sink, ServerAddress);
            net.Connect(client, server, new LinkConditions { ClearEcn = clear });

            net.RunFor(Ms(20));

            Assert.Equal(10, sink.Count);
            Assert.All(sink.Arrivals, a => Assert.Equal(clear ? EcnCodepoint.NotEct : EcnCodepoint.Ect0, a.Ecn));
        }
    }

    [Fact]
    public void EcnMarking_MarksEctDatagramsThatFindAQueueAboveTheThreshold()
    {
        var net = new SimulatedNetwork(seed: 22);
        var sink = new SinkNode();
        var blaster = new BlasterNode(ClientAddress, ServerAddress, 1250, Ms(0.5), 400) { Ecn = EcnCodepoint.Ect0 };
        SimNode client = net.AddNode("client", blaster, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, new LinkConditions { BandwidthBitsPerSecond = 10_000_000, EcnMarkThresholdBytes = 10_000, QueueCapacityBytes = 1_000_000 }).AToB;

        net.RunFor(TimeSpan.FromSeconds(1));

        Assert.Equal(400, sink.Count);
        int ce = sink.Arrivals.Count(a => a.Ecn == EcnCodepoint.Ce);
        Assert.Equal(link.Counters.CeMarked, ce);
        Assert.Equal(EcnCodepoint.Ect0, sink.Arrivals[0].Ecn);
        // The queue grows by 625 B per datagram (sent at twice the rate); beyond 10,000 B everything is marked.
        Assert.InRange(ce, 400 - 18, 400 - 15);
    }

    internal static (SimulatedNetwork Net, SinkNode Sink, SimLink Link) Blast(long seed, long count, LinkConditions conditions, int size = 100, double intervalMs = 1)
    {
        var net = new SimulatedNetwork(seed);
        var sink = new SinkNode();
        SimNode client = net.AddNode("client", new BlasterNode(ClientAddress, ServerAddress, size, Ms(intervalMs), count), ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, conditions).AToB;
        return (net, sink, link);
    }

    private static double MeanLossRun(SinkNode sink, long count)
    {
        var received = new bool[count];
        foreach (Arrival a in sink.Arrivals)
        {
            received[a.Sequence] = true;
        }

        int runs = 0;
        int lost = 0;
        for (int i = 0; i < count; i++)
        {
            if (!received[i])
            {
                lost++;
                if (i == 0 || received[i - 1])
                {
                    runs++;
                }
            }
        }

        return (double)lost / runs;
    }

    private static int HammingDistance(byte[] a, byte[] b)
    {
        int bits = 0;
        for (int i = 0; i < a.Length; i++)
        {
            bits += BitOperations.PopCount((uint)(a[i] ^ b[i]));
        }

        return bits;
    }
}
