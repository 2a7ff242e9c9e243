namespace Mycnet.Networking.Quic.Core.Tests;

public sealed class InstantTests
{
    [Fact]
    public void Arithmetic_SaturatesAtNever()
    {
        Instant t = Instant.FromTicks(100);
        Assert.Equal(Instant.FromTicks(100 + TimeSpan.TicksPerMillisecond), t + TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromTicks(100), t - Instant.Zero);
        Assert.True((Instant.MaxValue + TimeSpan.FromSeconds(1)).IsNever);
        Assert.True((Instant.FromTicks(long.MaxValue - 5) + TimeSpan.FromSeconds(1)).IsNever);
        Assert.Equal(t, Instant.Min(t, Instant.MaxValue));
    }
}
