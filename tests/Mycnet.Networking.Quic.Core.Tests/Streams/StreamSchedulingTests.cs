using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Which stream sends next: retransmissions first, then fair round robin.</summary>
public sealed class StreamSchedulingTests
{
    [Fact]
    public void HundredStreams_ProgressWithinOneChunkOfEachOther()
    {
        StreamManager client = Manager(isServer: false, Options(), Peer(maxStreamsBidi: 100));
        var sent = new Dictionary<ulong, long>();
        var chunks = new Dictionary<ulong, int>();
        for (int i = 0; i < 100; i++)
        {
            Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong id));
            client.Write(id, new byte[20_000]);
            sent[id] = 0;
            chunks[id] = 0;
        }

        int polls = 0;
        while (client.TryPollStreamChunk(1200, out StreamChunk chunk))
        {
            sent[chunk.StreamId] += chunk.Length;
            chunks[chunk.StreamId]++;
            polls++;
            int round = polls / 100;

            // Every stream gets one full-packet chunk per round; chunk sizes differ only by the
            // header (stream id and offset lengths, at most 2 bytes), until a stream runs dry.
            Assert.True(chunks.Values.Max() - chunks.Values.Min() <= 1, $"after {polls} chunks the streams are more than one round apart");
            long spread = sent.Values.Max() - sent.Values.Min();
            Assert.True(spread <= 1196 + (2 * round), $"after {polls} chunks the streams differ by {spread} bytes");
            if (round == 16)
            {
                break;
            }
        }

        Assert.Equal(1600, polls);
        while (client.TryPollStreamChunk(1200, out StreamChunk chunk))
        {
            sent[chunk.StreamId] += chunk.Length;
        }

        Assert.All(sent.Values, total => Assert.Equal(20_000, total));
    }

    [Fact]
    public void LostRanges_GoBeforeNewData_FromAnyStream()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong a);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong b);
        client.Write(a, new byte[5000]);
        client.Write(b, new byte[5000]);
        StreamChunk a0 = PollChunk(client, 1000, out _);
        StreamChunk b0 = PollChunk(client, 1000, out _);
        StreamChunk a1 = PollChunk(client, 1000, out _);
        Assert.Equal((a, b, a), (a0.StreamId, b0.StreamId, a1.StreamId));

        client.OnStreamDataLost(b, b0.Offset, b0.Length, b0.Fin);
        client.OnStreamDataLost(a, a0.Offset, a0.Length, a0.Fin);
        StreamChunk r1 = PollChunk(client, 1000, out _);
        StreamChunk r2 = PollChunk(client, 1000, out _);
        Assert.Equal((b, b0.Offset, b0.Length, true), (r1.StreamId, r1.Offset, r1.Length, r1.IsRetransmission));
        Assert.Equal((a, a0.Offset, a0.Length, true), (r2.StreamId, r2.Offset, r2.Length, r2.IsRetransmission));
        StreamChunk fresh = PollChunk(client, 1000, out _);
        Assert.False(fresh.IsRetransmission);
        Assert.Equal(b, fresh.StreamId);
    }

    [Fact]
    public void RetransmittedBytes_AreTheOriginalBytes()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        byte[] payload = Pattern(3000, 9);
        client.Write(s, payload);
        StreamChunk c0 = PollChunk(client, 1200, out byte[] d0);
        PollChunk(client, 1200, out _);
        client.OnStreamDataLost(s, c0.Offset, c0.Length, false);
        StreamChunk r = PollChunk(client, 400, out byte[] again);
        Assert.Equal(c0.Offset, r.Offset);
        Assert.Equal(d0.AsSpan(0, r.Length).ToArray(), again);
        Assert.Equal(payload.AsSpan((int)r.Offset, r.Length).ToArray(), again);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Chunks_AlwaysFitTheFrameBudget(int seed)
    {
        var random = new Random(seed);
        StreamManager client = Manager(isServer: false, Options(sendBufferLimit: 1 << 22), Peer(maxData: 1UL << 40, streamData: 1UL << 40, maxStreamsUni: 1000));
        var ids = new List<ulong>();
        for (int i = 0; i < 40; i++)
        {
            client.TryOpenStream(StreamDirection.Unidirectional, out ulong id);
            client.Write(id, new byte[random.Next(1, 100_000)]);
            if (random.Next(2) == 0)
            {
                client.Finish(id);
            }

            ids.Add(id);
        }

        for (int i = 0; i < 3000; i++)
        {
            int budget = random.Next(1, 1500);
            if (!client.TryPollStreamChunk(budget, out StreamChunk chunk))
            {
                continue;
            }

            Assert.True(chunk.HeaderLength + chunk.Length <= budget, $"{chunk} does not fit {budget}");
            if (random.Next(5) == 0)
            {
                client.OnStreamDataLost(chunk.StreamId, chunk.Offset, chunk.Length, chunk.Fin);
            }
        }
    }

    [Fact]
    public void AStreamWithOnlyAFin_StillGoesWhenTheConnectionIsBlocked()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(maxData: 100));
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong a);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong b);
        client.Write(a, new byte[500]);
        PollChunk(client, 1200, out _);
        client.Finish(b);
        Assert.True(client.HasStreamDataToSend);
        StreamChunk fin = PollChunk(client, 1200, out _);
        Assert.Equal((b, 0, true), (fin.StreamId, fin.Length, fin.Fin));
        Assert.False(client.TryPollStreamChunk(1200, out _));
        Assert.False(client.HasStreamDataToSend);
    }
}
