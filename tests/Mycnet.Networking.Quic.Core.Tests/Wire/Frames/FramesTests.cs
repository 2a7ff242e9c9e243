using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class FramesTests
{
    private static readonly ulong[] AllTypes = [.. Enumerable.Range(0, 0x1f).Select(i => (ulong)i), FrameType.Datagram, FrameType.DatagramWithLength];

    [Fact]
    public void TryReadType_AcceptsEveryKnownTypeInOneByte()
    {
        foreach (ulong type in AllTypes)
        {
            var reader = new WireReader([(byte)type]);
            Assert.True(Frames.TryReadType(ref reader, out ulong read));
            Assert.Equal(type, read);
            Assert.True(reader.IsEnd);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("1f")] // unknown
    [InlineData("32")] // unknown
    [InlineData("4001")] // PING in two bytes: not the shortest encoding
    [InlineData("4030")] // DATAGRAM in two bytes
    public void TryReadType_RejectsEmptyUnknownAndOverlongTypes(string hex)
    {
        var reader = new WireReader(Convert.FromHexString(hex));
        Assert.False(Frames.TryReadType(ref reader, out _));
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void IsAckEliciting_IsFalseOnlyForAckPaddingAndConnectionClose()
    {
        ulong[] notEliciting = [FrameType.Padding, FrameType.Ack, FrameType.AckEcn, FrameType.ConnectionClose, FrameType.ConnectionCloseApplication];
        foreach (ulong type in AllTypes)
        {
            Assert.Equal(!notEliciting.Contains(type), Frames.IsAckEliciting(type));
        }
    }

    [Fact]
    public void IsProbing_IsTrueOnlyForPathFramesNewConnectionIdAndPadding()
    {
        ulong[] probing = [FrameType.PathChallenge, FrameType.PathResponse, FrameType.NewConnectionId, FrameType.Padding];
        foreach (ulong type in AllTypes)
        {
            Assert.Equal(probing.Contains(type), Frames.IsProbing(type));
        }
    }

    [Fact]
    public void CountsInFlight_IsFalseOnlyForAckAndPadding()
    {
        ulong[] notInFlight = [FrameType.Padding, FrameType.Ack, FrameType.AckEcn];
        foreach (ulong type in AllTypes)
        {
            Assert.Equal(!notInFlight.Contains(type), Frames.CountsInFlight(type));
        }
    }

    // RFC 9000 §12.4 Table 3, "Pkts" column, row by row (I = Initial, H = Handshake, 0 = 0-RTT, 1 = 1-RTT),
    // plus RFC 9221 §4 for DATAGRAM.
    [Theory]
    [InlineData(0x00, "IH01")]
    [InlineData(0x01, "IH01")]
    [InlineData(0x02, "IH_1")]
    [InlineData(0x03, "IH_1")]
    [InlineData(0x04, "__01")]
    [InlineData(0x05, "__01")]
    [InlineData(0x06, "IH_1")]
    [InlineData(0x07, "___1")]
    [InlineData(0x08, "__01")]
    [InlineData(0x0f, "__01")]
    [InlineData(0x10, "__01")]
    [InlineData(0x11, "__01")]
    [InlineData(0x12, "__01")]
    [InlineData(0x13, "__01")]
    [InlineData(0x14, "__01")]
    [InlineData(0x15, "__01")]
    [InlineData(0x16, "__01")]
    [InlineData(0x17, "__01")]
    [InlineData(0x18, "__01")]
    [InlineData(0x19, "__01")]
    [InlineData(0x1a, "__01")]
    [InlineData(0x1b, "___1")]
    [InlineData(0x1c, "IH01")]
    [InlineData(0x1d, "__01")]
    [InlineData(0x1e, "___1")]
    [InlineData(0x30, "__01")]
    [InlineData(0x31, "__01")]
    public void IsAllowed_FollowsTable3(int type, string pkts)
    {
        Assert.Equal(pkts[0] == 'I', Frames.IsAllowed((ulong)type, PacketType.Initial));
        Assert.Equal(pkts[1] == 'H', Frames.IsAllowed((ulong)type, PacketType.Handshake));
        Assert.Equal(pkts[2] == '0', Frames.IsAllowed((ulong)type, PacketType.ZeroRtt));
        Assert.Equal(pkts[3] == '1', Frames.IsAllowed((ulong)type, PacketType.OneRtt));
        Assert.False(Frames.IsAllowed((ulong)type, PacketType.Retry));
        Assert.False(Frames.IsAllowed((ulong)type, PacketType.VersionNegotiation));
    }

    [Fact]
    public void IsAllowed_RejectsUnknownTypesEverywhere()
    {
        Assert.False(Frames.IsAllowed(0x1f, PacketType.OneRtt));
        Assert.False(Frames.IsAllowed(0x40, PacketType.OneRtt));
    }
}
