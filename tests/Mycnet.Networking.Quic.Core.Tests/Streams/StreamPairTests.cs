using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Client and server stream layers talking over a simulated lossy link in virtual time.</summary>
public sealed class StreamPairTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.25)]
    public void ManyBidiStreams_UnderLoss_DeliverExactBytesBothWays_AndReleaseEverything(int seed, double loss)
    {
        StreamManagerOptions options = Options(connectionWindow: 64 * 1024, streamWindow: 16 * 1024, sendBufferLimit: 32 * 1024, maxStreamsBidi: 20, segmentSize: 512);
        var pair = new StreamPairHarness(options, options, TimeSpan.FromMilliseconds(20), loss, seed);
        var random = new Random(seed);
        var requests = new Dictionary<ulong, byte[]>();
        var requestOffset = new Dictionary<ulong, int>();
        for (int i = 0; i < 20; i++)
        {
            Assert.True(pair.Client.TryOpenStream(StreamDirection.Bidirectional, out ulong id));
            requests[id] = Pattern(random.Next(1, 60_000), seed * 100 + i);
            requestOffset[id] = 0;
        }

        var receivedByServer = requests.Keys.ToDictionary(id => id, _ => new MemoryStream());
        var receivedByClient = requests.Keys.ToDictionary(id => id, _ => new MemoryStream());
        var serverDone = new HashSet<ulong>();
        var responses = new Dictionary<ulong, byte[]>();
        var responseOffset = new Dictionary<ulong, int>();
        var clientDone = new HashSet<ulong>();
        var buffer = new byte[4096];
        for (int step = 0; step < 60_000 && clientDone.Count < requests.Count; step++)
        {
            // Client: keep writing requests (backpressure may cut writes short), then finish.
            foreach ((ulong id, byte[] request) in requests)
            {
                int offset = requestOffset[id];
                if (offset < request.Length)
                {
                    StreamWriteResult w = pair.Client.Write(id, request.AsSpan(offset));
                    requestOffset[id] = offset + w.BytesWritten;
                    if (requestOffset[id] == request.Length)
                    {
                        pair.Client.Finish(id);
                    }
                }
            }

            // Server: read requests; when one is complete, echo it reversed and finish.
            foreach (ulong id in requests.Keys)
            {
                if (!serverDone.Contains(id) && pair.Server.GetReceiveState(id) is not null)
                {
                    StreamReadResult r;
                    do
                    {
                        r = pair.Server.Read(id, buffer, pair.Now, pair.Rtt);
                        receivedByServer[id].Write(buffer, 0, r.BytesRead);
                    }
                    while (r.Status == StreamReadStatus.Data);

                    if (r.Status == StreamReadStatus.Finished)
                    {
                        serverDone.Add(id);
                        responses[id] = [.. receivedByServer[id].ToArray().Reverse()];
                        responseOffset[id] = 0;
                    }
                }

                if (responses.TryGetValue(id, out byte[]? response) && responseOffset[id] < response.Length)
                {
                    responseOffset[id] += pair.Server.Write(id, response.AsSpan(responseOffset[id])).BytesWritten;
                    if (responseOffset[id] == response.Length)
                    {
                        pair.Server.Finish(id);
                    }
                }

                if (!clientDone.Contains(id))
                {
                    StreamReadResult r;
                    do
                    {
                        r = pair.Client.Read(id, buffer, pair.Now, pair.Rtt);
                        receivedByClient[id].Write(buffer, 0, r.BytesRead);
                    }
                    while (r.Status == StreamReadStatus.Data);

                    if (r.Status == StreamReadStatus.Finished)
                    {
                        clientDone.Add(id);
                    }
                }
            }

            pair.Step(Tick);
        }

        Assert.Equal(requests.Count, clientDone.Count);
        foreach ((ulong id, byte[] request) in requests)
        {
            Assert.Equal(request, receivedByServer[id].ToArray());
            Assert.Equal(request.Reverse().ToArray(), receivedByClient[id].ToArray());
        }

        // Let the last acknowledgements arrive: every stream closes on both sides, all memory returns.
        for (int i = 0; i < 2000 && (pair.Client.StreamCount > 0 || pair.Server.StreamCount > 0); i++)
        {
            pair.Step(Tick);
        }

        Assert.Equal(0, pair.Client.StreamCount);
        Assert.Equal(0, pair.Server.StreamCount);
        Assert.Equal(0, pair.Client.AllocatedBufferBytes);
        Assert.Equal(0, pair.Server.AllocatedBufferBytes);
        if (loss > 0)
        {
            Assert.True(pair.PacketsLost > 0);
        }
    }

    [Fact]
    public void FastReader_GrowsATinyWindowUntilItFillsThePath()
    {
        (ulong window, double seconds, long bytes) = Transfer(readEveryMs: 1, bytesPerRead: int.MaxValue, totalBytes: 8_000_000, maxSteps: 20_000);
        Assert.Equal(8_000_000, bytes);

        // 10 packets/ms of 1200 bytes over a 40 ms RTT is a 480 KB bandwidth-delay product: the
        // 4 KiB window must grow past it (to the 1 MiB cap), and the transfer must run near line rate.
        Assert.True(window >= 512 * 1024, $"window only grew to {window}");
        Assert.True(seconds < 1.5, $"8 MB took {seconds:0.00} s of virtual time");
    }

    [Fact]
    public void SlowReader_KeepsTheWindowSmall()
    {
        // 1 KiB every 25 ms: draining the 4 KiB window takes 100 ms, more than two 40 ms round
        // trips, so the reader, not the window, limits throughput and the window must not grow.
        (ulong window, _, long bytes) = Transfer(readEveryMs: 25, bytesPerRead: 1024, totalBytes: 200_000, maxSteps: 10_000);
        Assert.Equal(200_000, bytes);
        Assert.Equal(4096UL, window);
    }

    [Fact]
    public void PeerKeepsOpeningStreams_AsMaxStreamsIsReplenished()
    {
        StreamManagerOptions client = Options();
        StreamManagerOptions server = Options(maxStreamsUni: 3);
        var pair = new StreamPairHarness(client, server, TimeSpan.FromMilliseconds(10), 0.1, 7);
        int opened = 0;
        int finished = 0;
        var buffer = new byte[256];
        for (int step = 0; step < 20_000 && finished < 50; step++)
        {
            while (opened < 50 && pair.Client.TryOpenStream(StreamDirection.Unidirectional, out ulong id))
            {
                pair.Client.Write(id, new byte[100 + opened]);
                pair.Client.Finish(id);
                opened++;
            }

            Assert.True(pair.Server.StreamCount <= 3, "the peer exceeded the concurrency we allowed");
            while (pair.Server.TryPollEvent(out StreamEvent e))
            {
                if (e.Kind == StreamEventKind.PeerOpened || e.Kind == StreamEventKind.Readable)
                {
                    StreamReadResult r;
                    do
                    {
                        r = pair.Server.GetReceiveState(e.StreamId) is null ? new StreamReadResult(0, StreamReadStatus.Blocked, 0) : pair.Server.Read(e.StreamId, buffer, pair.Now, pair.Rtt);
                    }
                    while (r.Status == StreamReadStatus.Data);

                    finished += r.Status == StreamReadStatus.Finished ? 1 : 0;
                }
            }

            pair.Step(Tick);
        }

        Assert.Equal(50, finished);
        Assert.True(pair.ControlFramesDelivered.GetValueOrDefault(StreamControlFrameType.MaxStreamsUni) > 0);
        Assert.True(pair.ControlFramesDelivered.GetValueOrDefault(StreamControlFrameType.StreamsBlockedUni) > 0);
    }

    /// <summary>One uni stream, client to server, 40 ms RTT, 10 packets per ms each way; the server reads on a schedule.</summary>
    private static (ulong Window, double Seconds, long Bytes) Transfer(int readEveryMs, int bytesPerRead, long totalBytes, int maxSteps)
    {
        StreamManagerOptions client = Options(sendBufferLimit: 4 << 20, segmentSize: 16 * 1024);
        StreamManagerOptions server = Options(connectionWindow: 8192, streamWindow: 4096, maxStreamWindow: 1 << 20, maxConnectionWindow: 2 << 20, autoTune: true, segmentSize: 4096);
        var pair = new StreamPairHarness(client, server, TimeSpan.FromMilliseconds(40), 0, 1) { PacketsPerStep = 10 };
        Assert.True(pair.Client.TryOpenStream(StreamDirection.Unidirectional, out ulong id));
        var chunk = new byte[64 * 1024];
        long written = 0;
        long read = 0;
        Instant start = pair.Now;
        var buffer = new byte[64 * 1024];
        for (int step = 0; step < maxSteps && read < totalBytes; step++)
        {
            while (written < totalBytes)
            {
                int n = pair.Client.Write(id, chunk.AsSpan(0, (int)Math.Min(chunk.Length, totalBytes - written))).BytesWritten;
                written += n;
                if (n == 0)
                {
                    break;
                }
            }

            if (step % readEveryMs == 0 && pair.Server.GetReceiveState(id) is not null)
            {
                int budget = bytesPerRead;
                while (budget > 0)
                {
                    StreamReadResult r = pair.Server.Read(id, buffer.AsSpan(0, Math.Min(buffer.Length, budget)), pair.Now, pair.Rtt);
                    read += r.BytesRead;
                    budget -= r.BytesRead;
                    if (r.Status != StreamReadStatus.Data)
                    {
                        break;
                    }
                }
            }

            pair.Step(Tick);
        }

        Assert.True(pair.Server.TryGetStream(id, out StreamEntry? entry));
        return (entry.Receive!.Window.Window, (pair.Now - start).TotalSeconds, read);
    }
}
