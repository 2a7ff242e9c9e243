using Mycnet.Networking.Quic.Core.Streams;
using static Mycnet.Networking.Quic.Core.Tests.Streams.StreamTestSupport;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Stream ids, limits and implicit opening (RFC 9000 §2.1, §3.2, §4.6, §19.4–§19.14).</summary>
public sealed class StreamLimitTests
{
    [Fact]
    public void LocalStreams_OpenWithinThePeersLimit_ThenBlockWithOneStreamsBlockedPerLimit()
    {
        StreamManager client = Manager(isServer: false, peer: Peer(maxStreamsBidi: 2));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong a));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong b));
        Assert.Equal((0UL, 4UL), (a, b));
        Assert.False(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        Assert.False(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        Assert.Equal([StreamControlFrame.StreamsBlocked(StreamDirection.Bidirectional, 2)], DrainControl(client));

        client.HandleMaxStreams(StreamDirection.Bidirectional, 2);
        Assert.Empty(DrainEvents(client));
        client.HandleMaxStreams(StreamDirection.Bidirectional, 3);
        Assert.Equal([new StreamEvent(StreamEventKind.LocalStreamsAvailable, 0, 0, StreamDirection.Bidirectional)], DrainEvents(client));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out ulong c));
        Assert.Equal(8UL, c);
        Assert.False(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        Assert.Equal([StreamControlFrame.StreamsBlocked(StreamDirection.Bidirectional, 3)], DrainControl(client));

        // Unidirectional streams have their own limit.
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out ulong u));
        Assert.Equal(2UL, u);
    }

    [Fact]
    public void BeforeThePeersParameters_NothingOpens()
    {
        var client = new StreamManager(false, Options());
        Assert.False(client.TryOpenStream(StreamDirection.Unidirectional, out _));
        client.ApplyPeerTransportLimits(Peer(maxStreamsUni: 1));
        Assert.Contains(new StreamEvent(StreamEventKind.LocalStreamsAvailable, 0, 0, StreamDirection.Unidirectional), DrainEvents(client));
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out _));
    }

    [Fact]
    public void StreamCountsAbove2To60_AreRejected()
    {
        StreamManager client = Manager(isServer: false);
        AssertProtocolError(TransportErrorCode.FrameEncodingError, () => client.HandleMaxStreams(StreamDirection.Unidirectional, (1UL << 60) + 1));
        AssertProtocolError(TransportErrorCode.FrameEncodingError, () => client.HandleStreamsBlocked(StreamDirection.Bidirectional, (1UL << 60) + 1));
        client.HandleMaxStreams(StreamDirection.Unidirectional, 1UL << 60);
        AssertProtocolError(TransportErrorCode.TransportParameterError, () => client.ApplyPeerTransportLimits(Peer(maxStreamsBidi: (1UL << 60) + 1)));
    }

    [Fact]
    public void PeerStream_ImplicitlyOpensEveryLowerStreamOfItsType()
    {
        StreamManager client = Manager(isServer: false);
        client.HandleStreamFrame(13, 0, [1], fin: false);
        List<StreamEvent> events = DrainEvents(client);
        Assert.Equal([1UL, 5UL, 9UL, 13UL], events.Where(e => e.Kind == StreamEventKind.PeerOpened).Select(e => e.StreamId));
        Assert.Equal(ReceiveStreamState.Recv, client.GetReceiveState(5));
        Assert.Equal(SendStreamState.Ready, client.GetSendState(5));
        Assert.Null(client.GetReceiveState(3));

        // A frame on a lower stream does not reopen anything.
        client.HandleStreamFrame(5, 0, [2], fin: false);
        Assert.DoesNotContain(DrainEvents(client), e => e.Kind == StreamEventKind.PeerOpened);
    }

    [Fact]
    public void PeerBidiStream_IsOpenedByMaxStreamDataOrStopSending()
    {
        StreamManager client = Manager(isServer: false);
        client.HandleMaxStreamData(1, 5000);
        client.HandleStopSending(5, 3);
        Assert.Equal(
            [StreamEventKind.PeerOpened, StreamEventKind.PeerOpened, StreamEventKind.PeerStopSending],
            DrainEvents(client).Select(e => e.Kind));
        Assert.Equal(SendStreamState.ResetSent, client.GetSendState(5));
    }

    [Fact]
    public void PeerStreamBeyondOurLimit_IsStreamLimitError()
    {
        StreamManager server = Manager(isServer: true, Options(maxStreamsBidi: 3, maxStreamsUni: 1));
        server.HandleStreamFrame(StreamId.Create(StreamInitiator.Client, StreamDirection.Bidirectional, 2).Value, 0, [1], false);
        AssertProtocolError(TransportErrorCode.StreamLimitError, () => server.HandleStreamFrame(StreamId.Create(StreamInitiator.Client, StreamDirection.Bidirectional, 3).Value, 0, [1], false));
        AssertProtocolError(TransportErrorCode.StreamLimitError, () => server.HandleResetStream(6, 0, 0));
        AssertProtocolError(TransportErrorCode.StreamLimitError, () => server.HandleMaxStreamData(12, 100));
    }

    public static TheoryData<string, ulong> StreamStateViolations => new()
    {
        // Client view: 2 = our (opened) uni stream, 0 = our bidi stream, never opened in these tests
        // unless stated; 3 = the peer's uni stream (receive-only for us).
        { "STREAM on our send-only stream", 2 },
        { "RESET_STREAM on our send-only stream", 2 },
        { "STREAM_DATA_BLOCKED on our send-only stream", 2 },
        { "STREAM on our never-opened stream", 4 },
        { "RESET_STREAM on our never-opened stream", 4 },
        { "MAX_STREAM_DATA on our never-opened stream", 4 },
        { "STOP_SENDING on our never-opened stream", 6 },
        { "MAX_STREAM_DATA on the peer's send-only stream", 3 },
        { "STOP_SENDING on the peer's send-only stream", 3 },
    };

    [Theory]
    [MemberData(nameof(StreamStateViolations))]
    public void FramesOnTheWrongDirectionOrNeverOpenedLocalStreams_AreStreamStateError(string frame, ulong streamId)
    {
        StreamManager client = Manager(isServer: false);
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out _)); // id 0
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out _)); // id 2
        Action handle = frame.Split(' ')[0] switch
        {
            "STREAM" => () => client.HandleStreamFrame(streamId, 0, [1], false),
            "RESET_STREAM" => () => client.HandleResetStream(streamId, 0, 0),
            "STREAM_DATA_BLOCKED" => () => client.HandleStreamDataBlocked(streamId, 0),
            "MAX_STREAM_DATA" => () => client.HandleMaxStreamData(streamId, 10),
            "STOP_SENDING" => () => client.HandleStopSending(streamId, 0),
            _ => throw new InvalidOperationException(frame),
        };
        AssertProtocolError(TransportErrorCode.StreamStateError, handle);
    }

    [Fact]
    public void SenderFramesOnOurSendOnlyStream_AreAccepted()
    {
        StreamManager client = Manager(isServer: false);
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out ulong uni));
        client.HandleMaxStreamData(uni, 1 << 21);
        client.HandleStopSending(uni, 9);
        Assert.Equal(SendStreamState.ResetSent, client.GetSendState(uni));
    }

    [Fact]
    public void PeerStreamsClosing_RaiseOurLimit_KeepingConcurrencyConstant()
    {
        StreamManager server = Manager(isServer: true, Options(maxStreamsUni: 2));
        Assert.Equal(2UL, server.LocalTransportLimits.InitialMaxStreamsUni);
        server.HandleStreamFrame(2, 0, [1, 2], fin: true);
        server.HandleStreamFrame(6, 0, [3], fin: false);
        AssertProtocolError(TransportErrorCode.StreamLimitError, () => server.HandleStreamFrame(10, 0, [1], false));

        StreamReadResult r = server.Read(2, new byte[10], Instant.Zero, Rtt);
        Assert.Equal(StreamReadStatus.Finished, r.Status);
        Assert.Equal(1, server.StreamCount);
        Assert.Equal(3UL, server.GetLocalStreamLimit(StreamDirection.Unidirectional));
        Assert.Contains(StreamControlFrame.MaxStreams(StreamDirection.Unidirectional, 3), DrainControl(server));

        server.HandleStreamFrame(10, 0, [1], false);
        Assert.Equal(2, server.StreamCount);

        // A late frame for the forgotten stream is ignored, not an error.
        server.HandleStreamFrame(2, 0, [1, 2], fin: true);
        Assert.Equal(2, server.StreamCount);
    }

    [Fact]
    public void StreamsBlockedFromThePeer_RepeatsMaxStreamsWhenOursIsHigher()
    {
        StreamManager server = Manager(isServer: true, Options(maxStreamsBidi: 4));
        server.HandleStreamsBlocked(StreamDirection.Bidirectional, 4);
        Assert.Empty(DrainControl(server));
        server.HandleStreamsBlocked(StreamDirection.Bidirectional, 3);
        Assert.Equal([StreamControlFrame.MaxStreams(StreamDirection.Bidirectional, 4)], DrainControl(server));
    }

    [Fact]
    public void LocalStreamCap_BlocksOpening_UntilALocalStreamCloses()
    {
        StreamManager client = Manager(isServer: false, Options(maxLocalStreams: 2));
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out ulong a));
        Assert.True(client.TryOpenStream(StreamDirection.Bidirectional, out _));
        Assert.False(client.TryOpenStream(StreamDirection.Unidirectional, out _));
        Assert.Empty(DrainControl(client));

        client.Finish(a);
        StreamChunk fin = PollChunk(client, 100, out _);
        client.OnStreamDataAcked(fin.StreamId, fin.Offset, fin.Length, fin.Fin);
        Assert.Contains(new StreamEvent(StreamEventKind.LocalStreamsAvailable, 0, 0, StreamDirection.Unidirectional), DrainEvents(client));
        Assert.True(client.TryOpenStream(StreamDirection.Unidirectional, out _));
    }
}
