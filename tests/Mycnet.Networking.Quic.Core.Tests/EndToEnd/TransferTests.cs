using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class TransferTests
{
    private static BulkTransfer Run(SimPair pair, int streams, long bytesPerStream, TimeSpan limit, TransportSettings? clientSettings = null)
    {
        var transfer = new BulkTransfer(streams, bytesPerStream);
        transfer.AttachClient(pair.Client);
        transfer.AttachServer(pair.Server);
        pair.Connect(clientSettings);
        pair.RunUntil(() => transfer.Completed || transfer.Error is not null, limit, $"transfer of {streams}×{bytesPerStream} bytes");
        Assert.Null(transfer.Error);
        Assert.Equal(streams * bytesPerStream, transfer.BytesVerified);
        return transfer;
    }

    private static LinkConditions Gigabit() => new() { Latency = TimeSpan.FromMilliseconds(5), BandwidthBitsPerSecond = 1_000_000_000, QueueCapacityBytes = 2 << 20 };

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(100)]
    public void Transfer_100MegabytesOverConcurrentStreams_ArrivesByteExact(int streams)
    {
        var pair = new SimPair(seed: 10 + streams, Gigabit());
        long perStream = 100_000_000 / streams;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        BulkTransfer transfer = Run(pair, streams, perStream, TimeSpan.FromSeconds(60));
        Console.WriteLine($"{streams} streams: 100 MB in {transfer.CompletedAt} virtual, {watch.Elapsed.TotalSeconds:0.00} s real, lost {pair.Client.Connections[0].GetStats().PacketsLost}");
    }

    [Fact]
    public void Transfer_OneMegabyteOnOneStream_ArrivesIntact()
    {
        var pair = new SimPair(seed: 2, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000 });
        Run(pair, 1, 1 << 20, TimeSpan.FromSeconds(10));
    }
}
