using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>A long bulk transfer through both connections allocates nothing per packet once warm.</summary>
/// <remarks>Counted inside the engine's calls (<c>QuicSimHost.EngineAllocatedBytes</c>), so the simulated network's own bookkeeping does not blur it.</remarks>
public sealed class BulkTransferAllocationTests
{
    [Fact]
    public void BulkTransfer_WithAReaderThatDrainsInBursts_AllocatesNothingInSteadyState()
    {
        // The reader empties the receive buffer only once it holds 1.5 MB, so the buffer swings
        // between empty and more than the stream segment pool's 1 MiB floor on every cycle: the
        // pattern that used to allocate fresh 4 KiB segments on every wave.
        var serverTransport = new TransportSettings { InitialMaxStreamData = 4 << 20, InitialMaxData = 8 << 20 };
        var pair = new SimPair(seed: 21, new LinkConditions { Latency = TimeSpan.FromMilliseconds(1), BandwidthBitsPerSecond = 1_000_000_000, QueueCapacityBytes = 4 << 20 }, serverTransport);
        Connection client = pair.Connect(new TransportSettings { MaxSegmentsPerTransmit = 10 });
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeComplete == true, TimeSpan.FromSeconds(5), "handshake");
        Assert.True(client.TryOpenStream(bidirectional: false, out ulong stream));

        byte[] chunk = new byte[64 * 1024];
        byte[] readBuffer = new byte[256 * 1024];
        long sent = 0;
        long received = 0;
        int bursts = 0;
        int peakSegments = 0;
        pair.Client.Activity = (connection, now) =>
        {
            while (connection.TryPollEvent(out _))
            {
            }

            while (true)
            {
                StreamWriteResult written = connection.WriteStream(stream, chunk);
                sent += written.BytesWritten;
                if (written.BytesWritten < chunk.Length)
                {
                    break;
                }
            }
        };
        bool opened = false;
        pair.Server.Activity = (connection, now) =>
        {
            while (connection.TryPollEvent(out ConnectionEvent e))
            {
                opened |= e.Kind == ConnectionEventKind.StreamOpened;
            }

            if (!opened || connection.StreamBufferBytes < 1_500_000)
            {
                return;
            }

            bursts++;
            peakSegments = Math.Max(peakSegments, (int)(connection.StreamBufferBytes / 4096));
            while (true)
            {
                StreamReadResult read = connection.ReadStream(stream, readBuffer, now);
                received += read.BytesRead;
                if (read.BytesRead == 0)
                {
                    break;
                }
            }
        };
        pair.Client.Activity(client, pair.Now);
        pair.Network.Wake(pair.ClientNode);

        pair.Network.RunUntil(() => false, TimeSpan.FromSeconds(2)); // Warm up: windows, pools, queues, JIT.
        long receivedBefore = received;
        int burstsBefore = bursts;
        pair.Client.EngineAllocatedBytes = 0;
        pair.Server.EngineAllocatedBytes = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        pair.Network.RunUntil(() => false, TimeSpan.FromSeconds(1));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long engine = pair.Client.EngineAllocatedBytes + pair.Server.EngineAllocatedBytes;

        long transferred = received - receivedBefore;
        Assert.True(transferred > 50_000_000, $"only {transferred} bytes moved in the measured second");
        Assert.True(bursts - burstsBefore >= 50, $"only {bursts - burstsBefore} read bursts");
        Assert.True(peakSegments > 256, $"the receive buffer peaked at {peakSegments} segments: the test no longer exercises waves beyond the pool floor");
        Assert.Equal(0, engine);
        Assert.True(allocated < 1024, $"{allocated} bytes allocated in the measured second, engine or not"); // The simulated network's own bookkeeping is a few dozen bytes per second.
    }
}
