using System.Net;
using System.Net.Security;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>Options are checked in one place: every bad value fails with an exception that names the property.</summary>
public sealed class QuicOptionsValidationTests
{
    private static readonly IPEndPoint Somewhere = new(IPAddress.Loopback, 4433);

    public static TheoryData<string, Action<QuicClientConnectionOptions>> BadClientOptions() => new()
    {
        { "RemoteEndPoint", o => o.RemoteEndPoint = null },
        { "RemoteEndPoint", o => o.RemoteEndPoint = new IPEndPoint(IPAddress.Loopback, 0) },
        { "RemoteEndPoint", o => o.RemoteEndPoint = new System.Net.Sockets.UnixDomainSocketEndPoint("/tmp/x") },
        { "ApplicationProtocols", o => o.ApplicationProtocols = [] },
        { "DefaultStreamErrorCode", o => o.DefaultStreamErrorCode = -1 },
        { "DefaultCloseErrorCode", o => o.DefaultCloseErrorCode = -1 },
        { "DefaultCloseErrorCode", o => o.DefaultCloseErrorCode = 1L << 62 },
        { "IdleTimeout", o => o.IdleTimeout = TimeSpan.Zero },
        { "KeepAliveInterval", o => o.KeepAliveInterval = TimeSpan.FromSeconds(-1) },
        { "HandshakeTimeout", o => o.HandshakeTimeout = Timeout.InfiniteTimeSpan },
        { "MaxInboundBidirectionalStreams", o => o.MaxInboundBidirectionalStreams = -1 },
        { "MaxInboundUnidirectionalStreams", o => o.MaxInboundUnidirectionalStreams = (1 << 24) + 1 },
        { "CongestionControl", o => o.CongestionControl = (QuicCongestionControlAlgorithm)7 },
        { "InitialStreamReceiveWindow", o => o.InitialStreamReceiveWindow = 100 },
        { "MaxConnectionReceiveWindow", o => o.MaxConnectionReceiveWindow = o.InitialConnectionReceiveWindow - 1 },
        { "MaxStreamReceiveWindow", o => o.MaxStreamReceiveWindow = o.InitialStreamReceiveWindow - 1 },
        { "CipherSuites", o => o.CipherSuites = [] },
        { "CipherSuites", o => o.CipherSuites = [TlsCipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA] },
        { "TimeProvider", o => o.TimeProvider = null! },
        { "UdpOffload", o => o.UdpOffload = (QuicUdpOffload)9 },
        { "Engine", o => o.Engine = (QuicEngine)7 },
        { "TargetHost", o => o.TargetHost = " " },
        { "ClientCertificate", o => o.ClientCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestCertificates.Client.RawData) },
    };

    [Theory]
    [MemberData(nameof(BadClientOptions))]
    public async Task ConnectAsync_RejectsABadOption_NamingIt(string property, Action<QuicClientConnectionOptions> spoil)
    {
        QuicClientConnectionOptions options = QuicTestHarness.ClientOptions(Somewhere);
        spoil(options);
        ArgumentException e = await Assert.ThrowsAnyAsync<ArgumentException>(() => QuicConnection.ConnectAsync(options).AsTask());
        Assert.Equal(property, e.ParamName);
    }

    public static TheoryData<string, Action<QuicListenerOptions>> BadListenerOptions() => new()
    {
        { "ListenEndPoint", o => o.ListenEndPoint = null },
        { "ApplicationProtocols", o => o.ApplicationProtocols = [new SslApplicationProtocol(new byte[] { 0xff, 0xfe })] },
        { "ListenBacklog", o => o.ListenBacklog = 0 },
        { "Engine", o => o.Engine = (QuicEngine)7 },
        { "ConnectionOptions", o => o.ConnectionOptions = null },
        { "ServerCertificate", o => o.ConnectionOptions!.ServerCertificate = null },
        { "ServerCertificate", o => o.ConnectionOptions!.ServerCertificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(TestCertificates.EcdsaP256Server.RawData) },
        { "DefaultStreamErrorCode", o => o.ConnectionOptions!.DefaultStreamErrorCode = -1 },
        { "IdleTimeout", o => o.ConnectionOptions!.IdleTimeout = TimeSpan.FromDays(400) },
    };

    [Theory]
    [MemberData(nameof(BadListenerOptions))]
    public async Task ListenAsync_RejectsABadOption_NamingIt(string property, Action<QuicListenerOptions> spoil)
    {
        QuicListenerOptions options = QuicTestHarness.ListenerOptions();
        spoil(options);
        ArgumentException e = await Assert.ThrowsAnyAsync<ArgumentException>(() => QuicListener.ListenAsync(options).AsTask());
        Assert.Equal(property, e.ParamName);
    }

    // The msquic engine's own limits and the settings only the managed engine honours are checked
    // with the other options, before libmsquic is looked for: these run on every host.
    public static TheoryData<string, Action<QuicClientConnectionOptions>> ClientValuesTheMsQuicEngineCannotTake() => new()
    {
        { "MaxInboundBidirectionalStreams", o => o.MaxInboundBidirectionalStreams = ushort.MaxValue + 1 },
        { "MaxInboundUnidirectionalStreams", o => o.MaxInboundUnidirectionalStreams = 1 << 20 },
        { "InitialStreamReceiveWindow", o => o.InitialStreamReceiveWindow = 1_000_000 },
        { "InitialConnectionReceiveWindow", o => o.InitialConnectionReceiveWindow = 1_500_000 },
    };

    [Theory]
    [MemberData(nameof(ClientValuesTheMsQuicEngineCannotTake))]
    public async Task ConnectAsync_OnTheMsQuicEngine_RejectsAValueMsQuicCannotTake_NamingIt(string property, Action<QuicClientConnectionOptions> spoil)
    {
        QuicClientConnectionOptions options = QuicTestHarness.ClientOptions(Somewhere, engine: QuicEngine.MsQuic);
        spoil(options);
        ArgumentOutOfRangeException e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => QuicConnection.ConnectAsync(options).AsTask());
        Assert.Equal(property, e.ParamName);
        Assert.Contains("MsQuic", e.Message, StringComparison.Ordinal);

        // The same value is fine on the managed engine.
        options.Engine = QuicEngine.Managed;
        QuicOptionsValidation.Validate(options.Snapshot());
    }

    public static TheoryData<string, Action<QuicClientConnectionOptions>> ClientSettingsOnlyTheManagedEngineHonours() => new()
    {
        { "CongestionControl", o => o.CongestionControl = QuicCongestionControlAlgorithm.NewReno },
        { "TimeProvider", o => o.TimeProvider = new FakeTimeProvider(DateTimeOffset.UnixEpoch) },
        { "SocketFactory", o => o.SocketFactory = family => new System.Net.Sockets.Socket(family, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp) },
    };

    [Theory]
    [MemberData(nameof(ClientSettingsOnlyTheManagedEngineHonours))]
    public async Task ConnectAsync_OnTheMsQuicEngine_RefusesAManagedOnlySetting_NamingItAndTheEngine(string property, Action<QuicClientConnectionOptions> spoil)
    {
        QuicClientConnectionOptions options = QuicTestHarness.ClientOptions(Somewhere, engine: QuicEngine.MsQuic);
        spoil(options);
        NotSupportedException e = await Assert.ThrowsAsync<NotSupportedException>(() => QuicConnection.ConnectAsync(options).AsTask());
        Assert.StartsWith(property + ":", e.Message, StringComparison.Ordinal);
        Assert.Contains("Managed engine only", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListenAsync_OnTheMsQuicEngine_RefusesRetryAndManagedOnlySettings()
    {
        QuicListenerOptions retry = QuicTestHarness.ListenerOptions(engine: QuicEngine.MsQuic);
        retry.RequireRetry = true;
        NotSupportedException e = await Assert.ThrowsAsync<NotSupportedException>(() => QuicListener.ListenAsync(retry).AsTask());
        Assert.StartsWith("RequireRetry:", e.Message, StringComparison.Ordinal);

        QuicListenerOptions newReno = QuicTestHarness.ListenerOptions(engine: QuicEngine.MsQuic, configure: s => s.CongestionControl = QuicCongestionControlAlgorithm.NewReno);
        e = await Assert.ThrowsAsync<NotSupportedException>(() => QuicListener.ListenAsync(newReno).AsTask());
        Assert.StartsWith("CongestionControl:", e.Message, StringComparison.Ordinal);

        QuicListenerOptions streams = QuicTestHarness.ListenerOptions(engine: QuicEngine.MsQuic, configure: s => s.MaxInboundBidirectionalStreams = 100_000);
        ArgumentOutOfRangeException range = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => QuicListener.ListenAsync(streams).AsTask());
        Assert.Equal("MaxInboundBidirectionalStreams", range.ParamName);
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new QuicClientConnectionOptions();
        Assert.Equal(-1, options.DefaultStreamErrorCode);
        Assert.Equal(-1, options.DefaultCloseErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IdleTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.KeepAliveInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), options.HandshakeTimeout);
        Assert.Equal(100, options.MaxInboundBidirectionalStreams);
        Assert.Equal(100, options.MaxInboundUnidirectionalStreams);
        Assert.Equal(QuicCongestionControlAlgorithm.Cubic, options.CongestionControl);
        Assert.True(options.DatagramReceiveEnabled);
        Assert.Null(options.TrustedRootCertificates);
        Assert.Null(options.RemoteCertificateValidationCallback);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Equal(Environment.GetEnvironmentVariable("QLOGDIR"), options.QlogDirectory);
        Assert.Equal(Environment.GetEnvironmentVariable("SSLKEYLOGFILE"), options.KeyLogFilePath);
        Assert.Equal(512, new QuicListenerOptions().ListenBacklog);
        Assert.Equal(QuicEngine.Managed, options.Engine);
        Assert.Equal(QuicEngine.Managed, new QuicListenerOptions().Engine);
    }

    [Fact]
    public async Task Options_ChangedAfterConnecting_DoNotAffectTheConnection()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync();
        QuicClientConnectionOptions options = QuicTestHarness.ClientOptions(QuicTestHarness.Target(listener));
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        ValueTask<QuicConnection> connect = QuicConnection.ConnectAsync(options);
        options.ApplicationProtocols.Clear();
        options.DefaultCloseErrorCode = 0x9999;
        await using QuicConnection client = await connect.Guard();
        await using QuicConnection server = await accept.Guard();

        ValueTask<QuicStream> waiting = server.AcceptInboundStreamAsync();
        await client.DisposeAsync();
        QuicException e = await Assert.ThrowsAsync<QuicException>(() => waiting.Guard());
        Assert.Equal(0x42, e.ApplicationErrorCode);
    }
}
