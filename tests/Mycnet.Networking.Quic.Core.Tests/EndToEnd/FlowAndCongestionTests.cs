using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class FlowAndCongestionTests
{
    [Fact]
    public void FlowControl_TinyInitialWindowsGrowToFillThePath()
    {
        // 4 KiB connection and 2 KiB stream windows: without growth, 10 MB would need ~5000 round
        // trips (100 s at 20 ms). Auto-tuning must grow them.
        var server = new TransportSettings { InitialMaxData = 4096, InitialMaxStreamData = 2048 };
        var pair = new SimPair(seed: 90, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000, QueueCapacityBytes = 1 << 20 }, serverTransport: server);
        BulkTransfer transfer = ImpairedTransferTests.Transfer(pair, 1, 10_000_000, TimeSpan.FromSeconds(10));
        Assert.True(transfer.CompletedAt.ToTimeSpan() < TimeSpan.FromSeconds(5), $"completed at {transfer.CompletedAt}");
    }

    [Fact]
    public void StreamLimit_ClientWaitsForTheServerToAllowMoreStreams()
    {
        var server = new TransportSettings { MaxIncomingUnidirectionalStreams = 2 };
        var pair = new SimPair(seed: 91, serverTransport: server);
        BulkTransfer transfer = ImpairedTransferTests.Transfer(pair, 20, 100_000, TimeSpan.FromSeconds(30));
        Assert.True(transfer.OpenBlockedCount > 0, "the client hit the stream limit");
        Assert.True(transfer.MaxConcurrentReceiving <= 2, $"the server saw {transfer.MaxConcurrentReceiving} streams at once");
    }

    [Theory]
    [InlineData(CongestionControlAlgorithm.NewReno)]
    [InlineData(CongestionControlAlgorithm.Cubic)]
    public void Congestion_FillsA100MbitPathWithinTwoSeconds_AndBacksOffUnderLoss(CongestionControlAlgorithm algorithm)
    {
        // 100 Mbit/s, 20 ms round trip, a drop-tail queue of one bandwidth-delay product.
        var link = new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000, QueueCapacityBytes = 250_000 };
        var settings = new TransportSettings { CongestionControl = algorithm };
        var pair = new SimPair(seed: algorithm == CongestionControlAlgorithm.Cubic ? 92 : 93, link, serverTransport: new TransportSettings { CongestionControl = algorithm });
        var transfer = new BulkTransfer(1, 200_000_000);
        transfer.AttachClient(pair.Client);
        transfer.AttachServer(pair.Server);
        Action<Connection, Instant> app = pair.Client.Activity!;
        long maxWindow = 0;
        long windowAfterFirstLoss = 0;
        pair.Client.Activity = (c, now) =>
        {
            app(c, now);
            ConnectionStats stats = c.GetStats();
            if (stats.PacketsLost == 0)
            {
                maxWindow = Math.Max(maxWindow, stats.CongestionWindow);
            }
            else if (windowAfterFirstLoss == 0)
            {
                windowAfterFirstLoss = stats.CongestionWindow;
            }
        };

        long deliveredInWindow = 0;
        Instant start = Instant.Zero;
        pair.Network.DatagramObserved += e =>
        {
            if (e.Kind == SimDatagramEventKind.Delivered && e.Destination.Equals(SimPair.ServerAddress) && e.Time >= start + TimeSpan.FromSeconds(1.5) && e.Time < start + TimeSpan.FromSeconds(2))
            {
                deliveredInWindow += e.Datagram.Length;
            }
        };

        Connection client = pair.Connect(settings);
        pair.Network.RunFor(TimeSpan.FromSeconds(2));

        // Between 1.5 s and 2 s the path carries at least 90 % of its capacity.
        double mbps = deliveredInWindow * 8 / 0.5 / 1e6;
        Assert.True(mbps >= 90, $"{algorithm}: {mbps:0.0} Mbit/s in [1.5 s, 2 s)");

        // Then 1 % loss each way: the controller must cut its window.
        pair.Links.AToB.Conditions.LossProbability = 0.01;
        pair.Links.BToA.Conditions.LossProbability = 0.01;
        pair.Network.RunFor(TimeSpan.FromSeconds(2));
        ConnectionStats final = client.GetStats();
        Assert.True(final.PacketsLost > 0, "the link lost packets");
        double beta = algorithm == CongestionControlAlgorithm.Cubic ? 0.7 : 0.5;
        Assert.True(windowAfterFirstLoss > 0 && windowAfterFirstLoss <= (beta * maxWindow) + 2400, $"{algorithm}: window {maxWindow} before loss, {windowAfterFirstLoss} after");
        Assert.Null(transfer.Error);
    }
}
