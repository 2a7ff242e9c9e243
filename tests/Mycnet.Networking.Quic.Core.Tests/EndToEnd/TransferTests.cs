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

    [Fact]
    public void Transfer_OneMegabyteOnOneStream_ArrivesIntact()
    {
        var pair = new SimPair(seed: 2, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), BandwidthBitsPerSecond = 100_000_000 });
        Run(pair, 1, 1 << 20, TimeSpan.FromSeconds(10));
    }
}
