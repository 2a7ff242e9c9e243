using System.Net;
using Mycnet.Networking.Quic.Tests.Engines;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>Which engines a host can run, and what asking for a missing one says.</summary>
public sealed class QuicEngineAvailabilityTests
{
    [Fact]
    public void IsEngineSupported_ManagedAlways_MsQuicWhereSystemNetQuicIs()
    {
        Assert.True(QuicConnection.IsEngineSupported(QuicEngine.Managed));
        Assert.True(QuicListener.IsEngineSupported(QuicEngine.Managed));
        Assert.Equal(System.Net.Quic.QuicConnection.IsSupported, QuicConnection.IsEngineSupported(QuicEngine.MsQuic));
        Assert.Equal(System.Net.Quic.QuicListener.IsSupported, QuicListener.IsEngineSupported(QuicEngine.MsQuic));
        Assert.False(QuicConnection.IsEngineSupported((QuicEngine)7));
    }

    [MsQuicAbsentFact]
    public async Task RequestingMsQuic_WithoutLibmsquic_ThrowsPlatformNotSupported_NamingLibmsquic()
    {
        Assert.False(QuicConnection.IsEngineSupported(QuicEngine.MsQuic));

        QuicClientConnectionOptions client = QuicTestHarness.ClientOptions(new IPEndPoint(IPAddress.Loopback, 4433), engine: QuicEngine.MsQuic);
        PlatformNotSupportedException connect = await Assert.ThrowsAsync<PlatformNotSupportedException>(() => QuicConnection.ConnectAsync(client).AsTask());
        Assert.Contains("libmsquic", connect.Message, StringComparison.Ordinal);
        Assert.Contains("QuicEngine.Managed", connect.Message, StringComparison.Ordinal);

        PlatformNotSupportedException listen = await Assert.ThrowsAsync<PlatformNotSupportedException>(() => QuicListener.ListenAsync(QuicTestHarness.ListenerOptions(engine: QuicEngine.MsQuic)).AsTask());
        Assert.Contains("libmsquic", listen.Message, StringComparison.Ordinal);
    }
}
