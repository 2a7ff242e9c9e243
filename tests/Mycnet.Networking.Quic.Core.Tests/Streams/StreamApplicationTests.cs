using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Application commands, events and stream lifetime.</summary>
public sealed class StreamApplicationTests
{
    [Fact]
    public void Misuse_RaisesApplicationExceptions_NotProtocolErrors()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong sendOnly);
        client.HandleStreamFrame(3, 0, [1], false);
        const ulong ReceiveOnly = 3;

        Assert.Throws<InvalidOperationException>(() => client.Read(sendOnly, new byte[1], Instant.Zero, Rtt));
        Assert.Throws<InvalidOperationException>(() => client.StopReading(sendOnly, 0));
        Assert.Throws<InvalidOperationException>(() => client.Write(ReceiveOnly, [1]));
        Assert.Throws<InvalidOperationException>(() => client.Finish(ReceiveOnly));
        Assert.Throws<InvalidOperationException>(() => client.Reset(ReceiveOnly, 0));
        Assert.Throws<ArgumentException>(() => client.Write(400, [1]));
        Assert.Throws<ArgumentException>(() => client.Read(401, new byte[1], Instant.Zero, Rtt));
        Assert.Throws<ArgumentOutOfRangeException>(() => client.Reset(sendOnly, 1UL << 62));

        client.Finish(sendOnly);
        Assert.Throws<InvalidOperationException>(() => client.Write(sendOnly, [1]));
        Assert.Throws<InvalidOperationException>(() => client.Finish(sendOnly));

        client.StopReading(ReceiveOnly, 1);
        Assert.Throws<InvalidOperationException>(() => client.Read(ReceiveOnly, new byte[1], Instant.Zero, Rtt));
    }

    [Fact]
    public void ClosedStreams_AreReportedAsClosed_NotUnknown()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        client.Finish(s);
        StreamChunk fin = PollChunk(client, 100, out _);
        client.OnStreamDataAcked(s, fin.Offset, fin.Length, fin.Fin);
        Assert.Equal(0, client.StreamCount);
        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => client.Write(s, [1]));
        Assert.Contains("closed", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PeerStopSending_ResetsWithItsCode_AndWritesReportStopped()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong s);
        client.Write(s, new byte[300]);
        StreamChunk sent = PollChunk(client, 1200, out _);
        client.HandleStopSending(s, 99);

        Assert.Contains(new StreamEvent(StreamEventKind.PeerStopSending, s, 99, StreamDirection.Bidirectional), DrainEvents(client));
        Assert.Equal([StreamControlFrame.ResetStream(s, 99, (ulong)sent.Length)], DrainControl(client));
        Assert.Equal(new StreamWriteResult(0, StreamWriteStatus.Stopped, 99), client.Write(s, [1]));
        Assert.Equal(StreamWriteStatus.Stopped, client.Finish(s));
        Assert.False(client.TryPollStreamChunk(1200, out _));

        // A repeated STOP_SENDING changes nothing.
        client.HandleStopSending(s, 100);
        Assert.Empty(DrainEvents(client));
        Assert.Empty(DrainControl(client));
    }

    [Fact]
    public void ApplicationReset_QueuesResetStreamWithTheBytesSentAsFinalSize()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        client.Write(s, new byte[5000]);
        StreamChunk c = PollChunk(client, 1200, out _);
        client.Reset(s, 3);
        client.Reset(s, 4);
        Assert.Equal([StreamControlFrame.ResetStream(s, 3, (ulong)c.Length)], DrainControl(client));
        Assert.Equal(0, client.AllocatedBufferBytes);
    }

    [Fact]
    public void Events_ReadableWritableSendFinishedAndPeerReset()
    {
        StreamManager client = Manager(isServer: false, Options(sendBufferLimit: 1000));
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong s);
        Assert.Equal(1000, client.Write(s, new byte[1500]).BytesWritten);
        StreamChunk c = PollChunk(client, 1200, out _);
        client.OnStreamDataAcked(s, c.Offset, c.Length, c.Fin);
        Assert.Equal([new StreamEvent(StreamEventKind.Writable, s, 0, StreamDirection.Bidirectional)], DrainEvents(client));
        client.Finish(s);
        StreamChunk fin = PollChunk(client, 1200, out _);
        client.OnStreamDataAcked(s, fin.Offset, fin.Length, fin.Fin);
        Assert.Equal([new StreamEvent(StreamEventKind.SendFinished, s, 0, StreamDirection.Bidirectional)], DrainEvents(client));

        client.HandleStreamFrame(s, 0, [1, 2], false);
        client.HandleStreamFrame(s, 2, [3], false);
        Assert.Equal([new StreamEvent(StreamEventKind.Readable, s, 0, StreamDirection.Bidirectional)], DrainEvents(client));
        client.HandleResetStream(s, 8, 10);
        Assert.Equal([new StreamEvent(StreamEventKind.PeerReset, s, 8, StreamDirection.Bidirectional)], DrainEvents(client));
        Assert.Equal(new StreamReadResult(0, StreamReadStatus.Reset, 8), client.Read(s, new byte[10], Instant.Zero, Rtt));

        // Both directions terminal: the stream is forgotten and its memory returned.
        Assert.Equal(0, client.StreamCount);
        Assert.Equal(0, client.AllocatedBufferBytes);
    }

    [Fact]
    public void BidiStream_IsForgottenOnlyWhenBothDirectionsAreDone()
    {
        StreamManager server = Manager(isServer: true);
        byte[] request = Pattern(3000, 4);
        server.HandleStreamFrame(0, 0, request, fin: true);
        var buffer = new byte[4000];
        StreamReadResult r = server.Read(0, buffer, Instant.Zero, Rtt);
        Assert.Equal((3000, StreamReadStatus.Finished), (r.BytesRead, r.Status));
        Assert.Equal(request, buffer.AsSpan(0, 3000).ToArray());
        Assert.Equal(1, server.StreamCount);

        server.Write(0, new byte[2500]);
        server.Finish(0);
        var chunks = new List<StreamChunk>();
        while (server.TryPollStreamChunk(1200, out StreamChunk chunk))
        {
            chunks.Add(chunk);
        }

        Assert.True(chunks[^1].Fin);
        Assert.True(server.AllocatedBufferBytes > 0);
        foreach (StreamChunk chunk in chunks)
        {
            Assert.Equal(1, server.StreamCount);
            server.OnStreamDataAcked(chunk.StreamId, chunk.Offset, chunk.Length, chunk.Fin);
        }

        Assert.Equal(0, server.StreamCount);
        Assert.Equal(0, server.AllocatedBufferBytes);
    }

    [Fact]
    public void ReadAfterFin_ReportsFinishedWithTheLastBytes()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong s);
        client.HandleStreamFrame(s, 0, [1, 2, 3], fin: false);
        Assert.Equal(new StreamReadResult(2, StreamReadStatus.Data, 0), client.Read(s, new byte[2], Instant.Zero, Rtt));
        Assert.Equal(new StreamReadResult(1, StreamReadStatus.Data, 0), client.Read(s, new byte[2], Instant.Zero, Rtt));
        Assert.Equal(new StreamReadResult(0, StreamReadStatus.Blocked, 0), client.Read(s, new byte[2], Instant.Zero, Rtt));
        client.HandleStreamFrame(s, 3, [4], fin: true);
        Assert.Equal(new StreamReadResult(1, StreamReadStatus.Finished, 0), client.Read(s, new byte[2], Instant.Zero, Rtt));
        Assert.Equal(ReceiveStreamState.DataRead, client.GetReceiveState(s));
    }
}
