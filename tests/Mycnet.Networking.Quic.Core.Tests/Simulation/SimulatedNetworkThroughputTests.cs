using System.Diagnostics;
using Mycnet.Networking.Testing.Simulation;
using Xunit.Abstractions;
using static Mycnet.Networking.Quic.Core.Tests.Simulation.Toy;

namespace Mycnet.Networking.Quic.Core.Tests.Simulation;

public sealed class SimulatedNetworkThroughputTests(ITestOutputHelper output)
{
    private static LinkConditions LossyJitteryLink() => new()
    {
        Latency = Ms(20),
        Jitter = Ms(3),
        LossProbability = 0.02,
        ReorderProbability = 0.01,
        ReorderDelay = Ms(2),
        DuplicateProbability = 0.005,
        BandwidthBitsPerSecond = 1_000_000_000,
    };

    [Fact]
    public void TwoHundredThousandDatagrams_ThroughALossyJitteryLink_AreAllAccountedFor()
    {
        const int count = 200_000;
        var net = new SimulatedNetwork(seed: 40);
        var sink = new SinkNode(record: false);
        // 1,200 B in bursts of 10 every 100 µs: 960 Mbit/s, just under the link rate, for 2 s.
        var blaster = new BlasterNode(ClientAddress, ServerAddress, 1200, Ms(0.1), count, burst: 10);
        SimNode client = net.AddNode("client", blaster, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        SimLink link = net.Connect(client, server, LossyJitteryLink()).AToB;

        TimeSpan? cpuBefore = ThreadCpuTime();
        long startTimestamp = Stopwatch.GetTimestamp();
        Assert.True(net.RunUntilIdle(TimeSpan.FromSeconds(10)));
        TimeSpan wall = Stopwatch.GetElapsedTime(startTimestamp);
        TimeSpan? cpu = ThreadCpuTime() - cpuBefore;

        // Reported, not asserted: wall-clock limits make flaky tests on a shared machine.
        string cpuText = cpu is { } used ? $"{used.TotalMilliseconds:0} ms" : "unavailable";
        output.WriteLine($"{count} datagrams through [{link.Counters}]: wall {wall.TotalMilliseconds:0} ms, thread CPU {cpuText}");
        Assert.Equal(count, blaster.Sent);
        Assert.Equal(count, link.Counters.DatagramsSent);
        Assert.Equal(sink.Count, link.Counters.DatagramsDelivered);
        Assert.Equal(count + link.Counters.Duplicated, sink.Count + link.Counters.TotalDropped);
        Assert.InRange(link.Counters.Dropped(SimDropCause.RandomLoss), 4000 - 320, 4000 + 320);
        Assert.True(link.Counters.Reordered > 1000);
    }

    // CPU time of the calling thread (Linux), so other tests running in parallel do not count.
    private static TimeSpan? ThreadCpuTime()
    {
        const string path = "/proc/thread-self/schedstat";
        if (!File.Exists(path))
        {
            return null;
        }

        string first = File.ReadAllText(path).Split(' ')[0];
        return TimeSpan.FromTicks(long.Parse(first, System.Globalization.CultureInfo.InvariantCulture) / 100);
    }

    [Fact]
    public void SteadyState_AllocatesNothingPerDatagram()
    {
        var net = new SimulatedNetwork(seed: 41);
        var sink = new SinkNode(record: false);
        var blaster = new BlasterNode(ClientAddress, ServerAddress, 1200, Ms(0.1), long.MaxValue, burst: 10);
        SimNode client = net.AddNode("client", blaster, ClientAddress);
        SimNode server = net.AddNode("server", sink, ServerAddress);
        net.Connect(client, server, new LinkConditions { Latency = Ms(20), Jitter = Ms(3), LossProbability = 0.02, BandwidthBitsPerSecond = 1_000_000_000 });
        Func<bool> never = () => false;

        net.RunUntil(never, TimeSpan.FromSeconds(1)); // warm up: pools, queue capacity, JIT
        long receivedBefore = sink.Count;
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.RunUntil(never, TimeSpan.FromSeconds(1));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(sink.Count - receivedBefore > 90_000);
        Assert.Equal(0, allocated);
    }
}
