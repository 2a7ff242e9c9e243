using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class StatelessResetTests
{
    private static readonly StatelessResetToken Token = new(Convert.FromHexString("00112233445566778899aabbccddeeff"));

    [Theory]
    [InlineData(21, 100, 0)] // a reset must be smaller than its trigger and at least 21 bytes
    [InlineData(22, 100, 21)]
    [InlineData(43, 100, 42)] // ≤ 43 bytes: one byte shorter (RFC 9000 §10.3)
    [InlineData(1200, 100, 100)]
    [InlineData(1200, 15, 0)] // a cap below the minimum sends nothing
    public void GetLengthToSend_IsSmallerThanTheTriggerAndAtLeast21(int trigger, int max, int expected) =>
        Assert.Equal(expected, StatelessReset.GetLengthToSend(trigger, max));

    [Fact]
    public void Write_LooksLikeAShortHeaderAndEndsWithTheToken()
    {
        byte[] unpredictable = new byte[30];
        new Random(3).NextBytes(unpredictable);
        unpredictable[0] = 0xff;
        byte[] datagram = new byte[64];
        int length = StatelessReset.Write(datagram, unpredictable, Token);
        Assert.Equal(46, length);
        Assert.Equal(0x40 | 0x3f, datagram[0]);
        Assert.Equal(unpredictable.AsSpan(1).ToArray(), datagram.AsSpan(1, 29).ToArray());

        Assert.True(StatelessReset.TryGetToken(datagram.AsSpan(0, length), out ReadOnlySpan<byte> candidate));
        Assert.True(Token.Matches(candidate));
        Assert.True(PacketHeader.TryParse(datagram.AsSpan(0, length), 8, out PacketHeader header));
        Assert.Equal(PacketType.OneRtt, header.Type);
    }

    [Fact]
    public void Write_RejectsFewerThanFiveUnpredictableBytes() =>
        Assert.Throws<ArgumentException>(() => StatelessReset.Write(new byte[64], new byte[4], Token));

    [Fact]
    public void TryGetToken_NeedsAtLeast21Bytes()
    {
        Assert.False(StatelessReset.TryGetToken(new byte[20], out _));
        Assert.True(StatelessReset.TryGetToken(new byte[21], out ReadOnlySpan<byte> token));
        Assert.Equal(16, token.Length);
    }

    [Fact]
    public void Token_ComparesByValue()
    {
        var same = new StatelessResetToken(Token.Span);
        var other = new StatelessResetToken(new byte[16]);
        Assert.Equal(Token, same);
        Assert.NotEqual(Token, other);
        Assert.Equal(Token.GetHashCode(), same.GetHashCode());
        Assert.False(Token.Matches(new byte[15]));
        Assert.Throws<ArgumentException>(() => new StatelessResetToken(new byte[15]));
    }
}
