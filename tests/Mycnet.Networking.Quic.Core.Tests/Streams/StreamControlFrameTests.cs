using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>The pending control frame queue and its loss rules (RFC 9000 §13.3).</summary>
public sealed class StreamControlFrameTests
{
    [Fact]
    public void LostMaxStreamData_IsRepeatedOnlyWhileCurrent_WithTheCurrentValue()
    {
        StreamManager client = Manager(isServer: false, Options(streamWindow: 1000, connectionWindow: 1 << 20));
        client.HandleStreamFrame(1, 0, new byte[1000], false);
        client.Read(1, new byte[500], Instant.Zero, Rtt);
        StreamControlFrame first = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.MaxStreamData(1, 1500), first);

        client.OnControlFrameLost(first);
        Assert.Equal([first], DrainControl(client));

        client.HandleStreamFrame(1, 1000, new byte[500], false);
        client.Read(1, new byte[1000], Instant.Zero, Rtt);
        StreamControlFrame second = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.MaxStreamData(1, 2500), second);

        // The stale value is superseded; losing it sends nothing.
        client.OnControlFrameLost(first);
        Assert.Empty(DrainControl(client));
        client.OnControlFrameLost(second);
        Assert.Equal([second], DrainControl(client));

        // Once the final size is known, MAX_STREAM_DATA is pointless (RFC 9000 §3.2).
        client.HandleStreamFrame(1, 1500, new byte[10], fin: true);
        client.OnControlFrameLost(second);
        Assert.Empty(DrainControl(client));
    }

    [Fact]
    public void LostMaxData_IsRepeatedOnlyWhileCurrent()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 1000, streamWindow: 1 << 16));
        client.HandleStreamFrame(1, 0, new byte[1000], false);
        client.Read(1, new byte[600], Instant.Zero, Rtt);
        StreamControlFrame first = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.MaxData(1600), first);
        client.HandleStreamFrame(1, 1000, new byte[600], false);
        client.Read(1, new byte[1000], Instant.Zero, Rtt);
        StreamControlFrame second = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.MaxData(2600), second);
        client.OnControlFrameLost(first);
        Assert.Empty(DrainControl(client));
        client.OnControlFrameLost(second);
        Assert.Equal([second], DrainControl(client));
    }

    [Fact]
    public void LostResetStream_IsRepeatedUntilAcked_Unchanged()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        client.Write(s, new byte[700]);
        StreamChunk sent = PollChunk(client, 500, out _);
        client.Reset(s, 12);
        StreamControlFrame reset = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.ResetStream(s, 12, (ulong)sent.Length), reset);
        Assert.False(client.TryPollStreamChunk(1200, out _));

        // Data frames lost after the reset are not retransmitted (RFC 9000 §13.3).
        client.OnStreamDataLost(s, 0, sent.Length, false);
        Assert.False(client.HasStreamDataToSend);

        client.OnControlFrameLost(reset);
        Assert.Equal([reset], DrainControl(client));
        client.OnControlFrameAcked(reset);
        Assert.Equal(0, client.StreamCount);
        client.OnControlFrameLost(reset);
        Assert.Empty(DrainControl(client));
    }

    [Fact]
    public void LostStopSending_IsRepeatedUntilThePeerResets()
    {
        StreamManager client = Manager(isServer: false);
        client.HandleStreamFrame(3, 0, new byte[10], false);
        client.StopReading(3, 5);
        StreamControlFrame stop = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.StopSending(3, 5), stop);
        client.OnControlFrameLost(stop);
        Assert.Equal([stop], DrainControl(client));

        client.HandleResetStream(3, 5, 10);
        client.OnControlFrameLost(stop);
        Assert.Equal(0, client.StreamCount);

        // Only the MAX_STREAMS for the closed peer stream goes out.
        Assert.Equal([StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, 11)], DrainControl(client));
    }

    [Fact]
    public void LostBlockedFrames_AreRepeatedOnlyWhileStillBlockedAtThatLimit()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(maxData: 100, streamData: 50, maxStreamsUni: 1));
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        Assert.False(client.TryOpenStream(StreamDirection.Unidirectional, out _));
        client.Write(s, new byte[200]);
        PollChunk(client, 1200, out _);
        List<StreamControlFrame> blocked = DrainControl(client);
        StreamControlFrame streamBlocked = StreamControlFrame.StreamDataBlocked(s, 50);
        StreamControlFrame streamsBlocked = StreamControlFrame.StreamsBlocked(StreamDirection.Unidirectional, 1);
        Assert.Equal([streamBlocked, streamsBlocked], blocked);

        client.OnControlFrameLost(streamBlocked);
        client.OnControlFrameLost(streamsBlocked);
        Assert.Equal([streamBlocked, streamsBlocked], DrainControl(client));

        client.HandleMaxStreamData(s, 500);
        client.HandleMaxStreams(StreamDirection.Unidirectional, 2);
        client.OnControlFrameLost(streamBlocked);
        client.OnControlFrameLost(streamsBlocked);
        Assert.Empty(DrainControl(client));

        // Now the connection limit blocks: DATA_BLOCKED, repeated while still blocked at 100.
        PollChunk(client, 1200, out _);
        StreamControlFrame dataBlocked = Assert.Single(DrainControl(client));
        Assert.Equal(StreamControlFrame.DataBlocked(100), dataBlocked);
        client.OnControlFrameLost(dataBlocked);
        Assert.Equal([dataBlocked], DrainControl(client));
        client.HandleMaxData(150);
        client.OnControlFrameLost(dataBlocked);
        Assert.Empty(DrainControl(client));
    }

    [Fact]
    public void LostMaxStreams_IsRepeatedWithTheCurrentLimit()
    {
        StreamManager server = Manager(isServer: true, Options(maxStreamsUni: 1));
        server.HandleStreamFrame(2, 0, [1], fin: true);
        server.Read(2, new byte[4], Instant.Zero, Rtt);
        StreamControlFrame first = Assert.Single(DrainControl(server));
        Assert.Equal(StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, 2), first);
        server.HandleStreamFrame(6, 0, [1], fin: true);
        server.Read(6, new byte[4], Instant.Zero, Rtt);
        StreamControlFrame second = Assert.Single(DrainControl(server));
        server.OnControlFrameLost(first);
        Assert.Empty(DrainControl(server));
        server.OnControlFrameLost(second);
        Assert.Equal([StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, 3)], DrainControl(server));
    }

    [Fact]
    public void Poll_ReturnsOnlyFramesThatFit_AndKeepsTheRest()
    {
        StreamManager client = Manager(isServer: false);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong s);
        client.Reset(s, VarIntMax);
        StreamControlFrame expected = StreamControlFrame.ResetStream(s, VarIntMax, 0);
        Assert.Equal(1 + 1 + 8 + 1, expected.EncodedLength);
        Assert.False(client.TryPollControlFrame(expected.EncodedLength - 1, out _));
        Assert.True(client.TryPollControlFrame(expected.EncodedLength, out StreamControlFrame frame));
        Assert.Equal(expected, frame);
    }

    [Fact]
    public void EncodedLength_CountsEveryVarInt()
    {
        Assert.Equal(1 + 4, StreamControlFrame.MaxData(1 << 20).EncodedLength);
        Assert.Equal(1 + 2 + 8, StreamControlFrame.MaxStreamData(100, 1UL << 40).EncodedLength);
        Assert.Equal(1 + 1 + 2, StreamControlFrame.StopSending(4, 300).EncodedLength);
        Assert.Equal(1 + 1, StreamControlFrame.StreamsBlocked(StreamDirection.Bidirectional, 3).EncodedLength);
        Assert.Equal((byte)0x13, (byte)StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, 3).Type);
    }

    private const ulong VarIntMax = (1UL << 62) - 1;
}
