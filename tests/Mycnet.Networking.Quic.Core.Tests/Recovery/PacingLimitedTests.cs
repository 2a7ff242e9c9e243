using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

/// <summary>RFC 9002 §7.8: a sender held back by the pacer is using its window, so the window grows.</summary>
public sealed class PacingLimitedTests
{
    private const int Mss = 1200;

    [Fact]
    public void PacingLimited_EndsAnApplicationLimitedPeriod_SoAcksGrowTheWindow()
    {
        var cc = new NewRenoCongestionController();
        var rtt = new RttEstimator();
        cc.OnPacketSent(T.Ms(0), Mss);
        cc.OnApplicationLimited();
        Assert.True(cc.IsApplicationLimited);

        cc.OnPacingLimited();
        Assert.False(cc.IsApplicationLimited);
        cc.OnPacketAcked(T.Ms(50), T.Ms(0), Mss, rtt);
        Assert.Equal(12000 + Mss, cc.CongestionWindow);
    }

    [Fact]
    public void PacingBurst_ComesFromTheTransportSettings_AndIsValidated()
    {
        using var recovery = new PathRecovery(new TransportSettings { PacingBurstPackets = 32 }, isServer: false, carriesHandshake: true, Mss);
        Assert.Equal(32, recovery.Pacer.BurstPackets);
        Assert.Equal(Pacer.DefaultBurstPackets, new TransportSettings().PacingBurstPackets);

        ArgumentException e = Assert.Throws<ArgumentException>(() => new TransportSettings { PacingBurstPackets = 0 }.Validate());
        Assert.Equal(nameof(TransportSettings.PacingBurstPackets), e.ParamName);
    }
}
