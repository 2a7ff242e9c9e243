using Mycnet.Networking.Testing.Quic;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>Transfers over impaired links: each must arrive byte-exact.</summary>
public sealed class ImpairedTransferTests
{
    private const long TenMegabytes = 10_000_000;

    private static LinkConditions Link(Action<LinkConditions>? tweak = null)
    {
        var conditions = new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 200_000_000, QueueCapacityBytes = 1 << 20 };
        tweak?.Invoke(conditions);
        return conditions;
    }

    internal static BulkTransfer Transfer(SimPair pair, int streams, long bytesPerStream, TimeSpan limit, TransportSettings? clientSettings = null)
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

    [Fact]
    public void Loss_FivePercentEachWay_TransferArrivesByteExact()
    {
        var pair = new SimPair(seed: 31, Link(c => c.LossProbability = 0.05));
        Transfer(pair, 4, TenMegabytes / 4, TimeSpan.FromSeconds(120));
        Assert.True(pair.Client.Connections[0].GetStats().PacketsLost > 100, "the link lost packets, so recovery was exercised");
    }

    [Fact]
    public void Reordering_TransferArrivesByteExact()
    {
        var pair = new SimPair(seed: 32, Link(c =>
        {
            c.ReorderProbability = 0.1;
            c.ReorderDelay = TimeSpan.FromMilliseconds(3);
        }));
        Transfer(pair, 4, TenMegabytes / 4, TimeSpan.FromSeconds(60));
        Assert.True(pair.Links.AToB.Counters.Reordered > 100);
    }

    [Fact]
    public void Duplication_TransferArrivesByteExact()
    {
        var pair = new SimPair(seed: 33, Link(c => c.DuplicateProbability = 0.05));
        Transfer(pair, 2, TenMegabytes / 2, TimeSpan.FromSeconds(60));
        Assert.True(pair.Links.AToB.Counters.Duplicated > 100);
    }

    [Fact]
    public void Corruption_OnePercentIsDroppedByAead_TransferArrivesByteExact()
    {
        var pair = new SimPair(seed: 34, Link(c => c.CorruptionProbability = 0.01));
        Transfer(pair, 2, TenMegabytes / 2, TimeSpan.FromSeconds(60));
        Assert.True(pair.Links.AToB.Counters.Corrupted > 10);
    }

    [Fact]
    public void Blackout_TwoSecondsMidTransfer_TransferCompletesAfterward()
    {
        var pair = new SimPair(seed: 35, Link());
        var transfer = new BulkTransfer(2, 20_000_000);
        transfer.AttachClient(pair.Client);
        transfer.AttachServer(pair.Server);
        pair.Connect();
        pair.RunUntil(() => transfer.BytesVerified > 5_000_000, TimeSpan.FromSeconds(30), "the first 5 MB");
        Instant start = pair.Now;
        pair.Links.AToB.AddBlackout(start, TimeSpan.FromSeconds(2));
        pair.Links.BToA.AddBlackout(start, TimeSpan.FromSeconds(2));
        long before = transfer.BytesVerified;
        pair.Network.RunUntil(() => false, TimeSpan.FromSeconds(1.9));
        Assert.True(transfer.BytesVerified - before < 1_000_000, "nothing crosses a blacked-out link beyond what was already in flight");

        pair.RunUntil(() => transfer.Completed || transfer.Error is not null, TimeSpan.FromSeconds(60), "the rest of the transfer after the blackout");
        Assert.Null(transfer.Error);
        Assert.Equal(40_000_000, transfer.BytesVerified);
        Assert.Equal(ConnectionState.Established, pair.Client.Connections[0].State);
    }
}
