using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Connection and stream flow control through the manager (RFC 9000 §4).</summary>
public sealed class StreamFlowControlTests
{
    private static long SendAll(StreamManager manager, int maxFrameBytes = 1200)
    {
        long total = 0;
        while (manager.TryPollStreamChunk(maxFrameBytes, out StreamChunk chunk))
        {
            total += chunk.Length;
        }

        return total;
    }

    [Fact]
    public void ConnectionCredit_CapsNewDataAcrossStreams_AndDataBlockedIsSentOncePerLimit()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(maxData: 3000));
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong a);
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong b);
        client.Write(a, new byte[5000]);
        client.Write(b, new byte[5000]);

        Assert.Equal(3000, SendAll(client));
        Assert.False(client.HasStreamDataToSend);
        Assert.Equal([StreamControlFrame.DataBlocked(3000)], DrainControl(client));
        Assert.Equal(0, SendAll(client));
        Assert.Empty(DrainControl(client));

        client.HandleMaxData(2000);
        Assert.Equal(0, SendAll(client));
        client.HandleMaxData(4000);
        Assert.True(client.HasStreamDataToSend);
        Assert.Equal(1000, SendAll(client));
        Assert.Equal([StreamControlFrame.DataBlocked(4000)], DrainControl(client));
        Assert.Equal(4000UL, client.ConnectionBytesSent);
    }

    [Fact]
    public void StreamCredit_CapsOneStream_AndStreamDataBlockedIsSentOncePerLimit()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(streamData: 1000));
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        client.Write(s, new byte[3000]);
        Assert.Equal(1000, SendAll(client));
        Assert.Equal([StreamControlFrame.StreamDataBlocked(s, 1000)], DrainControl(client));
        client.Write(s, new byte[10]);
        Assert.Empty(DrainControl(client));

        client.HandleMaxStreamData(s, 900);
        Assert.Equal(0, SendAll(client));
        client.HandleMaxStreamData(s, 2000);
        Assert.Equal(1000, SendAll(client));
        Assert.Equal([StreamControlFrame.StreamDataBlocked(s, 2000)], DrainControl(client));
    }

    [Fact]
    public void StreamDataBlockedSent_MovesAReadyStreamToSend()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(streamData: 0));
        client.TryOpenStream(StreamDirection.Unidirectional, out ulong s);
        client.Write(s, new byte[10]);
        Assert.Equal(SendStreamState.Ready, client.GetSendState(s));
        Assert.Equal([StreamControlFrame.StreamDataBlocked(s, 0)], DrainControl(client));
        Assert.Equal(SendStreamState.Send, client.GetSendState(s));
    }

    [Fact]
    public void StreamsOpenedBeforeThePeersParameters_GetTheirCreditWhenApplied()
    {
        var client = new StreamManager(false, Options());
        client.ApplyPeerTransportLimits(Peer(maxData: 0, streamData: 0, maxStreamsBidi: 1));
        client.TryOpenStream(StreamDirection.Bidirectional, out ulong s);
        client.Write(s, new byte[100]);
        Assert.Equal(0, SendAll(client));
        client.ApplyPeerTransportLimits(Peer(maxData: 50, streamData: 70, maxStreamsBidi: 1));
        Assert.Equal(50, SendAll(client));
    }

    [Fact]
    public void Reading_AdvertisesMaxStreamDataAndMaxData_AfterHalfTheWindow()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 4000, streamWindow: 1000));
        client.HandleStreamFrame(1, 0, new byte[1000], false);
        Assert.Equal(400, client.Read(1, new byte[400], Instant.Zero, Rtt).BytesRead);
        Assert.Empty(DrainControl(client));
        client.Read(1, new byte[100], Instant.Zero, Rtt);
        Assert.Equal([StreamControlFrame.MaxStreamData(1, 1500)], DrainControl(client));

        // Data up to the new limit is accepted, one more byte is not.
        client.HandleStreamFrame(1, 1000, new byte[500], false);
        AssertProtocolError(TransportErrorCode.FlowControlError, () => client.HandleStreamFrame(1, 1500, new byte[1], false));
    }

    [Fact]
    public void ConnectionWindow_IsEnforcedAcrossStreams_AndReopenedByReads()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 2000, streamWindow: 1500));
        client.HandleStreamFrame(1, 0, new byte[1500], false);
        client.HandleStreamFrame(5, 0, new byte[500], false);
        AssertProtocolError(TransportErrorCode.FlowControlError, () => client.HandleStreamFrame(9, 0, new byte[1], false));

        client.Read(1, new byte[1000], Instant.Zero, Rtt);
        Assert.Contains(StreamControlFrame.MaxData(3000), DrainControl(client));
        client.HandleStreamFrame(9, 0, new byte[1000], false);
    }

    [Fact]
    public void PeerReset_ReturnsTheStreamsCreditToTheConnection()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 2000, streamWindow: 2000));
        client.HandleStreamFrame(1, 0, new byte[100], false);
        client.HandleResetStream(1, 7, 1800);
        Assert.Contains(StreamControlFrame.MaxData(3800), DrainControl(client));
        Assert.Contains(new StreamEvent(StreamEventKind.PeerReset, 1, 7, StreamDirection.Bidirectional), DrainEvents(client));
    }

    [Fact]
    public void DataBlockedFromThePeer_RepeatsOurHigherLimit()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 2000, streamWindow: 2000));
        client.HandleDataBlocked(2000);
        Assert.Empty(DrainControl(client));
        client.HandleStreamFrame(1, 0, new byte[1500], false);
        client.Read(1, new byte[1500], Instant.Zero, Rtt);
        List<StreamControlFrame> sent = DrainControl(client);
        Assert.Contains(StreamControlFrame.MaxData(3500), sent);
        Assert.Contains(StreamControlFrame.MaxStreamData(1, 3500), sent);

        client.HandleDataBlocked(2000);
        client.HandleStreamDataBlocked(1, 2000);
        Assert.Equal([StreamControlFrame.MaxData(3500), StreamControlFrame.MaxStreamData(1, 3500)], DrainControl(client));
    }

    [Fact]
    public void StopReading_DiscardsData_ButKeepsConnectionCreditFlowing()
    {
        StreamManager client = Manager(isServer: false, Options(connectionWindow: 2000, streamWindow: 4000));
        client.HandleStreamFrame(1, 0, new byte[1200], false);
        client.StopReading(1, 77);
        List<StreamControlFrame> sent = DrainControl(client);
        Assert.Contains(StreamControlFrame.StopSending(1, 77), sent);
        Assert.Contains(StreamControlFrame.MaxData(3200), sent);

        // Bytes still in flight count against the windows, then are dropped.
        client.HandleStreamFrame(1, 1200, new byte[2000], false);
        Assert.Contains(StreamControlFrame.MaxData(5200), DrainControl(client));
        Assert.Equal(0, client.AllocatedBufferBytes);
    }
}
