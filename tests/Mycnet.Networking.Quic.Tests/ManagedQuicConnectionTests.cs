using System.Net;
using System.Net.Security;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>The connection tests over the managed engine, and what only the managed engine has.</summary>
public sealed class ManagedQuicConnectionTests : QuicConnectionTests
{
    protected override QuicEngine Engine => QuicEngine.Managed;

    protected override bool LocalCertificateRefusalCarriesAlert => true;

    [Fact]
    public async Task Connect_WithAllSuitesOffered_PrefersAes128Gcm()
    {
        await using QuicListener listener = await ListenAsync(IPAddress.Loopback);
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            Assert.Equal(TlsCipherSuite.TLS_AES_128_GCM_SHA256, client.NegotiatedCipherSuite);
        }
    }

    [Fact]
    public async Task Dispose_ReleasesTheClientSocket_AfterTheClosingPeriod()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (server)
        {
            await client.DisposeAsync();
            await client.Driver.Terminated.Guard();
            await client.Driver.Endpoint.Closed.Guard();
            Assert.True(client.Driver.Endpoint.Socket.IsDisposed);
        }
    }

    [Fact]
    public async Task Statistics_AfterATransfer_AreFilledIn_AndTheWindowGrew()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Unidirectional).Guard();
            Task writing = stream.WriteAsync(new byte[4 << 20], completeWrites: true).AsTask();
            QuicStream accepted = await server.AcceptInboundStreamAsync().Guard();
            var buffer = new byte[64 * 1024];
            long received = 0;
            int n;
            while ((n = await accepted.ReadAsync(buffer).Guard()) > 0)
            {
                received += n;
            }

            await writing.Guard();
            await stream.WritesClosed.Guard();

            QuicConnectionStatistics sender = client.GetStatistics();
            QuicConnectionStatistics receiver = server.GetStatistics();
            Assert.Equal(4 << 20, received);
            Assert.True(sender.BytesSent > 4 << 20);
            Assert.True(receiver.BytesReceived > 4 << 20);
            Assert.True(sender.PacketsSent > (4 << 20) / 1500, $"packets {sender.PacketsSent}");
            Assert.True(receiver.PacketsReceived > (4 << 20) / 1500, $"packets {receiver.PacketsReceived}");
            Assert.True(sender.SmoothedRtt > TimeSpan.Zero && sender.MinRtt > TimeSpan.Zero && sender.MinRtt <= sender.SmoothedRtt + sender.RttVariance * 4);
            Assert.True(sender.CongestionWindow > 12_000 * 4, $"cwnd {sender.CongestionWindow}");
            Assert.True(sender.PathMaxDatagramSize >= 1200);
            Assert.InRange(sender.UdpSendCalls, 1, sender.UdpDatagramsSent);
            Assert.Equal(QuicTestHarness.Target(listener), sender.RemoteEndPoint);
            Assert.Equal(client.LocalEndPoint.Port, receiver.RemoteEndPoint!.Port);
        }
    }

    [Fact]
    public async Task Capabilities_DescribeTheManagedEngineHonestly()
    {
        await using QuicListener listener = await ListenAsync();
        (QuicConnection client, QuicConnection server) = await ConnectPairAsync(listener);
        await using (client)
        await using (server)
        {
            QuicCapabilities capabilities = client.Capabilities;
            Assert.Equal(QuicEngine.Managed, capabilities.Engine);
            Assert.True(capabilities.Datagrams);
            Assert.True(capabilities.Ping);
            Assert.True(capabilities.PathStatistics);
            Assert.True(capabilities.PeerMigration);
            Assert.False(capabilities.Migration);
            Assert.False(capabilities.Multipath);
            Assert.True(QuicConnection.IsSupported && QuicListener.IsSupported);
        }
    }
}
