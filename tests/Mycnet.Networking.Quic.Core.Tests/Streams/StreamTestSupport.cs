using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

/// <summary>Factories shared by the stream tests.</summary>
internal static class StreamTestSupport
{
    public static readonly TimeSpan Rtt = TimeSpan.FromMilliseconds(50);

    public static StreamManagerOptions Options(
        ulong connectionWindow = 1 << 20,
        ulong streamWindow = 1 << 16,
        ulong maxStreamWindow = 1 << 20,
        ulong maxConnectionWindow = 1 << 24,
        ulong maxStreamsBidi = 10,
        ulong maxStreamsUni = 10,
        int sendBufferLimit = 1 << 20,
        int segmentSize = 1024,
        bool autoTune = false,
        int maxLocalStreams = 1000,
        int maxFragments = 4096) => new()
        {
            InitialConnectionReceiveWindow = connectionWindow,
            MaxConnectionReceiveWindow = Math.Max(connectionWindow, maxConnectionWindow),
            InitialStreamReceiveWindowBidiLocal = streamWindow,
            InitialStreamReceiveWindowBidiRemote = streamWindow,
            InitialStreamReceiveWindowUni = streamWindow,
            MaxStreamReceiveWindow = Math.Max(streamWindow, maxStreamWindow),
            MaxConcurrentPeerStreamsBidi = maxStreamsBidi,
            MaxConcurrentPeerStreamsUni = maxStreamsUni,
            SendBufferLimit = sendBufferLimit,
            BufferSegmentSize = segmentSize,
            AutoTuneWindows = autoTune,
            MaxLocalStreams = maxLocalStreams,
            MaxReceiveFragments = maxFragments,
        };

    /// <summary>A manager whose peer advertised the given limits (a generous default).</summary>
    public static StreamManager Manager(bool isServer, StreamManagerOptions? options = null, StreamTransportLimits? peer = null)
    {
        var manager = new StreamManager(isServer, options ?? Options());
        manager.ApplyPeerTransportLimits(peer ?? Peer());
        return manager;
    }

    public static StreamTransportLimits Peer(
        ulong maxData = 1 << 24,
        ulong streamData = 1 << 20,
        ulong maxStreamsBidi = 100,
        ulong maxStreamsUni = 100) => new(maxData, streamData, streamData, streamData, maxStreamsBidi, maxStreamsUni);

    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static List<StreamEvent> DrainEvents(StreamManager manager)
    {
        var events = new List<StreamEvent>();
        while (manager.TryPollEvent(out StreamEvent e))
        {
            events.Add(e);
        }

        return events;
    }

    public static List<StreamControlFrame> DrainControl(StreamManager manager)
    {
        var frames = new List<StreamControlFrame>();
        while (manager.TryPollControlFrame(1200, out StreamControlFrame f))
        {
            frames.Add(f);
        }

        return frames;
    }

    public static StreamChunk PollChunk(StreamManager manager, int maxFrameBytes, out byte[] data)
    {
        Assert.True(manager.TryPollStreamChunk(maxFrameBytes, out StreamChunk chunk), "expected a stream chunk");
        data = new byte[chunk.Length];
        manager.CopyStreamData(chunk, data);
        return chunk;
    }

    public static QuicProtocolException AssertProtocolError(TransportErrorCode code, Action action)
    {
        QuicProtocolException ex = Assert.Throws<QuicProtocolException>(action);
        Assert.Equal(code, ex.ErrorCode);
        return ex;
    }
}
