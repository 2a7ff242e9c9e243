using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Testing;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Steady-state stream traffic allocates nothing (buffers are pooled, queues pre-grown).</summary>
public sealed class StreamAllocationTests
{
    [Fact]
    public void SteadyState_WriteSendCopyAck_AllocatesNothing()
    {
        StreamManager client = Manager(isServer: false, Options(segmentSize: 4096), Peer(maxData: 1UL << 50, streamData: 1UL << 50));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong a));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong b));
        var payload = new byte[1000];
        var packet = new byte[1200];
        var inFlight = new StreamChunk[64];

        void Run(int iterations)
        {
            for (int i = 0; i < iterations; i++)
            {
                client.Write(a, payload);
                client.Write(b, payload);
                int count = 0;
                while (client.TryPollStreamChunk(packet.Length, out StreamChunk chunk))
                {
                    client.CopyStreamData(chunk, packet);
                    inFlight[count++] = chunk;
                }

                // Lose one frame in eight and retransmit it: the retransmission path is steady state too.
                for (int j = 0; j < count; j++)
                {
                    StreamChunk c = inFlight[j];
                    if ((i + j) % 8 == 0)
                    {
                        client.OnStreamDataLost(c.StreamId, c.Offset, c.Length, c.Fin);
                        Assert.True(client.TryPollStreamChunk(packet.Length, out StreamChunk again));
                        client.CopyStreamData(again, packet);
                        c = again;
                    }

                    client.OnStreamDataAcked(c.StreamId, c.Offset, c.Length, c.Fin);
                }

                while (client.TryPollEvent(out _))
                {
                }

                while (client.TryPollControlFrame(1200, out _))
                {
                }
            }
        }

        Run(2000);
        long allocated = AllocationMeter.SteadyStateBytes(() => Run(5000));
        Assert.Equal(0, allocated);
        Assert.True(client.ConnectionBytesSent >= 14_000_000);
    }

    [Fact]
    public void SteadyState_ReceiveOutOfOrderAndRead_AllocatesNothing()
    {
        StreamManager server = Manager(isServer: true, Options(connectionWindow: 1 << 20, streamWindow: 1 << 18, segmentSize: 4096, autoTune: true));
        byte[] data = Pattern(1200, 5);
        var readBuffer = new byte[3000];
        ulong offset = 0;
        const ulong Stream = 0;
        long totalRead = 0;
        Instant now = Instant.Zero;

        void Run(int iterations)
        {
            for (int i = 0; i < iterations; i++)
            {
                // Two frames out of order, one duplicate, then read everything.
                server.HandleStreamFrame(Stream, offset + 1200, data, false);
                server.HandleStreamFrame(Stream, offset, data, false);
                server.HandleStreamFrame(Stream, offset + 600, data.AsSpan(0, 1200), false);
                offset += 2400;
                StreamReadResult r;
                do
                {
                    now += TimeSpan.FromMilliseconds(1);
                    r = server.Read(Stream, readBuffer, now, Rtt);
                    totalRead += r.BytesRead;
                }
                while (r.Status == StreamReadStatus.Data);

                while (server.TryPollControlFrame(1200, out StreamControlFrame frame))
                {
                    server.OnControlFrameAcked(frame);
                }

                while (server.TryPollEvent(out _))
                {
                }
            }
        }

        Run(2000);
        long allocated = AllocationMeter.SteadyStateBytes(() => Run(5000));
        Assert.Equal(0, allocated);
        Assert.Equal((long)offset, totalRead);
    }
}
