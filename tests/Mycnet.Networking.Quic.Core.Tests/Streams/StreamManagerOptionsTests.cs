using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class StreamManagerOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndBecomeOurTransportParameters()
    {
        var options = new StreamManagerOptions();
        options.Validate();
        StreamTransportLimits limits = options.ToTransportLimits();
        Assert.Equal(options.InitialConnectionReceiveWindow, limits.InitialMaxData);
        Assert.Equal(options.InitialStreamReceiveWindowBidiLocal, limits.InitialMaxStreamDataBidiLocal);
        Assert.Equal(options.InitialStreamReceiveWindowBidiRemote, limits.InitialMaxStreamDataBidiRemote);
        Assert.Equal(options.InitialStreamReceiveWindowUni, limits.InitialMaxStreamDataUni);
        Assert.Equal(options.MaxConcurrentPeerStreamsBidi, limits.InitialMaxStreamsBidi);
        Assert.Equal(options.MaxConcurrentPeerStreamsUni, limits.InitialMaxStreamsUni);
    }

    [Theory]
    [InlineData(nameof(StreamManagerOptions.MaxConcurrentPeerStreamsBidi))]
    [InlineData(nameof(StreamManagerOptions.MaxConnectionReceiveWindow))]
    [InlineData(nameof(StreamManagerOptions.MaxStreamReceiveWindow))]
    [InlineData(nameof(StreamManagerOptions.BufferSegmentSize))]
    [InlineData(nameof(StreamManagerOptions.SendBufferLimit))]
    public void Validate_NamesTheBadSetting(string setting)
    {
        StreamManagerOptions options = setting switch
        {
            nameof(StreamManagerOptions.MaxConcurrentPeerStreamsBidi) => new() { MaxConcurrentPeerStreamsBidi = StreamManagerOptions.MaxConcurrentPeerStreamsLimit + 1 },
            nameof(StreamManagerOptions.MaxConnectionReceiveWindow) => new() { InitialConnectionReceiveWindow = 1000, MaxConnectionReceiveWindow = 999 },
            nameof(StreamManagerOptions.MaxStreamReceiveWindow) => new() { InitialStreamReceiveWindowUni = 5000, MaxStreamReceiveWindow = 4000 },
            nameof(StreamManagerOptions.BufferSegmentSize) => new() { BufferSegmentSize = 10 },
            _ => new() { SendBufferLimit = 0 },
        };
        ArgumentException ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(setting, ex.ParamName);
        Assert.Throws<ArgumentException>(() => new StreamManager(false, options));
    }

    [Fact]
    public void PeerParameters_OutOfRange_AreTransportParameterErrors()
    {
        var manager = new StreamManager(true, new StreamManagerOptions());
        var bad = new StreamTransportLimits(1UL << 62, 0, 0, 0, 0, 0);
        QuicProtocolException ex = Assert.Throws<QuicProtocolException>(() => manager.ApplyPeerTransportLimits(bad));
        Assert.Equal(TransportErrorCode.TransportParameterError, ex.ErrorCode);
    }

    [Fact]
    public void ChunkHeaderBudget_LeavesRoomForTheLengthField()
    {
        Assert.Equal(-1, StreamChunk.GetMaxDataLength(0, 0, 1));
        Assert.Equal(0, StreamChunk.GetMaxDataLength(0, 0, 3));
        Assert.Equal(1200 - 1 - 1 - 2 - 2, StreamChunk.GetMaxDataLength(4, 1000, 1200));
        var chunk = new StreamChunk(4, 1000, 1194, Fin: true, IsRetransmission: false);
        Assert.Equal(6, chunk.HeaderLength);
        Assert.Equal(0x0f, chunk.FrameType);
        Assert.Equal(0x0a, new StreamChunk(4, 0, 10, false, false).FrameType);
    }
}
