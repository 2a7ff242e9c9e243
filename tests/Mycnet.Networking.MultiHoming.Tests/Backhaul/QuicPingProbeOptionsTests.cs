using System.Net;
using System.Net.Security;
using Mycnet.Networking.MultiHoming.Backhaul;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul;

public sealed class QuicPingProbeOptionsTests
{
    private static readonly IPEndPoint Target = new(IPAddress.Parse("192.0.2.10"), 4433);

    private static BackhaulManagerOptions Options(QuicPingProbeOptions? quic) => new()
    {
        Probes = new BackhaulProbeOptions { Targets = [BackhaulProbeTarget.QuicPing(Target)], QuicPing = quic },
    };

    [Fact]
    public void QuicPingTarget_WithoutQuicPingOptions_IsRejectedAtConstruction()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Options(null).Validate());
        Assert.Contains("Probes.QuicPing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuicPingOptions_WithoutAnApplicationProtocol_AreRejected()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => Options(new QuicPingProbeOptions()).Validate());
        Assert.Contains("ApplicationProtocol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QuicPingOptions_WithNonPositiveTimeouts_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => Options(new QuicPingProbeOptions { ApplicationProtocol = new SslApplicationProtocol("p"), HandshakeTimeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => Options(new QuicPingProbeOptions { ApplicationProtocol = new SslApplicationProtocol("p"), IdleTimeout = TimeSpan.FromSeconds(-1) }).Validate());
    }

    [Fact]
    public void QuicPingOptions_Valid_AreAccepted()
    {
        Options(new QuicPingProbeOptions { ApplicationProtocol = new SslApplicationProtocol("p") }).Validate();
    }
}
