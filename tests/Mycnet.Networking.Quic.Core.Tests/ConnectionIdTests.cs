namespace Mycnet.Networking.Quic.Core.Tests;

public sealed class ConnectionIdTests
{
    [Fact]
    public void EqualBytes_AreEqualAndHashAlike()
    {
        var a = new ConnectionId([1, 2, 3, 4]);
        var b = new ConnectionId([1, 2, 3, 4]);
        var c = new ConnectionId([1, 2, 3]);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.Equal("01020304", a.ToString());
    }

    [Fact]
    public void MoreThanTwentyBytes_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new ConnectionId(new byte[21]));
        Assert.False(ConnectionId.TryCreate(new byte[21], out _));
        Assert.True(ConnectionId.TryCreate(new byte[20], out ConnectionId max));
        Assert.Equal(20, max.Length);
        Assert.True(ConnectionId.Empty.IsEmpty);
    }
}
