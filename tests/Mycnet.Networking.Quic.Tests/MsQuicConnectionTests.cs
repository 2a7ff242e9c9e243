using Mycnet.Networking.Quic.Tests.Engines;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>
/// The connection tests over the msquic engine (System.Net.Quic), and what is particular to it:
/// the features it lacks are reported absent and their calls refused. Skipped without libmsquic.
/// </summary>
[RequiresQuicEngine(QuicEngine.MsQuic)]
public sealed class MsQuicConnectionTests : QuicConnectionTests
{
    protected override QuicEngine Engine => QuicEngine.MsQuic;

    protected override bool LocalCertificateRefusalCarriesAlert => false;

    [EngineFact]
    public async Task Capabilities_DescribeTheMsQuicEngineHonestly()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            foreach (QuicCapabilities capabilities in new[] { client.Capabilities, server.Capabilities })
            {
                Assert.Equal(QuicEngine.MsQuic, capabilities.Engine);
                Assert.False(capabilities.Datagrams);
                Assert.False(capabilities.Ping);
                Assert.False(capabilities.PathStatistics);
                Assert.False(capabilities.Migration);
                Assert.False(capabilities.Multipath);
                Assert.True(capabilities.PeerMigration);
            }

            Assert.Equal(0, client.MaxDatagramSize);
        }
    }

    [EngineFact]
    public async Task DatagramsPingAndStatistics_ThrowNotSupported_NamingTheManagedEngine_AndTheConnectionGoesOn()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            NotSupportedException[] refusals =
            [
                await Assert.ThrowsAsync<NotSupportedException>(() => client.SendDatagramAsync(new byte[8]).AsTask()),
                await Assert.ThrowsAsync<NotSupportedException>(() => server.ReceiveDatagramAsync().AsTask()),
                await Assert.ThrowsAsync<NotSupportedException>(() => client.PingAsync().AsTask()),
                Assert.Throws<NotSupportedException>(() => client.GetStatistics()),
            ];
            Assert.All(refusals, e =>
            {
                Assert.Contains("MsQuic engine", e.Message, StringComparison.Ordinal);
                Assert.Contains("QuicEngine.Managed", e.Message, StringComparison.Ordinal);
            });

            await AssertEchoAsync(client, server);
        }
    }

    [EngineFact]
    public async Task IdleTimeout_ClosesTheConnection_WithConnectionIdle()
    {
        // msquic keeps its own time (no TimeProvider): a short real idle timeout.
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener, o => o.IdleTimeout = TimeSpan.FromMilliseconds(500));
        await using (client)
        await using (server)
        {
            QuicException e = await Assert.ThrowsAsync<QuicException>(() => client.AcceptInboundStreamAsync().Guard());
            Assert.Equal(QuicError.ConnectionIdle, e.QuicError);
        }
    }
}
