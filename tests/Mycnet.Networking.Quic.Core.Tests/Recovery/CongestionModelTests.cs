using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Xunit.Abstractions;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

/// <summary>
/// Each controller against a 10 Mbit/s bottleneck with 40 ms of round-trip propagation delay and a
/// drop-tail queue of one bandwidth-delay product (50 kB), for 20 s of virtual time; goodput is
/// measured from 5 s on, once slow start's overshoot has been worked off.
/// </summary>
public sealed class CongestionModelTests(ITestOutputHelper output)
{
    private const double LinkRate = 1_250_000; // bytes per second
    private static readonly TimeSpan OneWay = TimeSpan.FromMilliseconds(20);
    private const long Queue = 50_000;

    private BottleneckSimulation Run(ICongestionController cc)
    {
        var sim = new BottleneckSimulation(cc, LinkRate, OneWay, Queue);
        sim.Run(T.Ms(20_000));
        double goodput = sim.Goodput(T.Ms(5_000), T.Ms(20_000));
        output.WriteLine($"{cc.Name}: goodput {goodput / LinkRate:P1} of the link, {sim.Drops} drops, {sim.Reductions.Count} reductions, max cwnd {sim.MaxWindow}, srtt {sim.Rtt.SmoothedRtt.TotalMilliseconds:F1} ms, max backlog {sim.MaxBacklogBytes}, {sim.EventsProcessed} events");
        foreach ((Instant at, long before, long after) in sim.Reductions.Take(8))
        {
            output.WriteLine($"  {at}: {before} -> {after}");
        }

        return sim;
    }

    [Fact]
    public void NewReno_FixedRateBottleneck_ReachesTheLinkRate_AndHalvesOnQueueOverflowLoss()
    {
        BottleneckSimulation sim = Run(new NewRenoCongestionController());

        Assert.True(sim.Goodput(T.Ms(5_000), T.Ms(20_000)) >= 0.9 * LinkRate);
        Assert.True(sim.Drops > 0);
        Assert.True(sim.Reductions.Count >= 3, $"only {sim.Reductions.Count} reductions");
        Assert.All(sim.Reductions, r => Assert.Equal(Math.Max(r.Before / 2, 2400), r.After));
        Assert.Equal(0, sim.PersistentCongestionEvents);

        // Sawtooth: after each reduction the window climbs again before the next loss.
        for (int i = 1; i < sim.Reductions.Count; i++)
        {
            Assert.True(sim.Reductions[i].Before > sim.Reductions[i - 1].After);
        }

        // Once slow start's overshoot is over, losses come when the window passes what the path
        // holds (BDP + queue = 100 kB), not far beyond.
        Assert.All(sim.Reductions.Where(r => r.At > T.Ms(1000)), r => Assert.InRange(r.Before, 95_000, 110_000));
    }

    [Fact]
    public void Cubic_FixedRateBottleneck_ReachesTheLinkRate_AndReducesByBetaOnQueueOverflowLoss()
    {
        BottleneckSimulation sim = Run(new CubicCongestionController());

        Assert.True(sim.Goodput(T.Ms(5_000), T.Ms(20_000)) >= 0.9 * LinkRate);
        Assert.True(sim.Drops > 0);
        Assert.True(sim.Reductions.Count >= 3, $"only {sim.Reductions.Count} reductions");
        Assert.All(sim.Reductions, r => Assert.Equal(Math.Max(r.Before * 7 / 10, 2400), r.After));
        Assert.Equal(0, sim.PersistentCongestionEvents);
        for (int i = 1; i < sim.Reductions.Count; i++)
        {
            Assert.True(sim.Reductions[i].Before > sim.Reductions[i - 1].After);
        }

        Assert.All(sim.Reductions.Where(r => r.At > T.Ms(1000)), r => Assert.InRange(r.Before, 95_000, 110_000));
    }
}
