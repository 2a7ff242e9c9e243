using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Streams;

public sealed class StreamIdTests
{
    // RFC 9000 §2.1, Table 1.
    [Theory]
    [InlineData(0UL, StreamInitiator.Client, StreamDirection.Bidirectional)]
    [InlineData(1UL, StreamInitiator.Server, StreamDirection.Bidirectional)]
    [InlineData(2UL, StreamInitiator.Client, StreamDirection.Unidirectional)]
    [InlineData(3UL, StreamInitiator.Server, StreamDirection.Unidirectional)]
    public void LowTwoBits_GiveInitiatorAndDirection(ulong value, StreamInitiator initiator, StreamDirection direction)
    {
        var id = new StreamId(value);
        Assert.Equal(initiator, id.Initiator);
        Assert.Equal(direction, id.Direction);
        Assert.Equal(0UL, id.Index);
        Assert.Equal((int)value, id.TypeBits);
    }

    [Fact]
    public void Create_PlacesIndexAboveTypeBits()
    {
        Assert.Equal(4UL * 7 + 3, StreamId.Create(StreamInitiator.Server, StreamDirection.Unidirectional, 7).Value);
        Assert.Equal(4UL * 5, StreamId.Create(StreamInitiator.Client, StreamDirection.Bidirectional, 5).Value);
        Assert.Equal(9UL, new StreamId(37).Index);
        Assert.Equal(StreamId.MaxValue, StreamId.Create(StreamInitiator.Server, StreamDirection.Unidirectional, StreamId.MaxStreamCount - 1).Value);
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamId.Create(StreamInitiator.Client, StreamDirection.Bidirectional, StreamId.MaxStreamCount));
    }

    [Fact]
    public void SendAndReceiveRights_FollowDirectionAndRole()
    {
        var clientUni = new StreamId(2);
        Assert.True(clientUni.IsLocal(StreamInitiator.Client));
        Assert.True(clientUni.CanSend(StreamInitiator.Client));
        Assert.False(clientUni.CanReceive(StreamInitiator.Client));
        Assert.False(clientUni.CanSend(StreamInitiator.Server));
        Assert.True(clientUni.CanReceive(StreamInitiator.Server));

        var serverBidi = new StreamId(1);
        Assert.True(serverBidi.CanSend(StreamInitiator.Client) && serverBidi.CanReceive(StreamInitiator.Client));
        Assert.True(serverBidi.CanSend(StreamInitiator.Server) && serverBidi.CanReceive(StreamInitiator.Server));
    }
}
