using System.Security.Cryptography;
using Mycnet.Networking.Quic.Sockets;

namespace Mycnet.Networking.Quic.Tests;

/// <summary>The same transfer over both I/O paths: GSO/GRO (where the kernel offers them) and plain socket calls.</summary>
public sealed class OffloadParityTests
{
    [Theory]
    [InlineData(QuicUdpOffload.Auto, QuicUdpOffload.Auto)]
    [InlineData(QuicUdpOffload.Disabled, QuicUdpOffload.Disabled)]
    [InlineData(QuicUdpOffload.Auto, QuicUdpOffload.Disabled)]
    [InlineData(QuicUdpOffload.Disabled, QuicUdpOffload.Auto)]
    public async Task Transfer_OfEightMegabytes_IsIdentical_OnEitherPath(QuicUdpOffload server, QuicUdpOffload client)
    {
        byte[] data = RandomNumberGenerator.GetBytes(8 << 20);
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureListener: o => o.UdpOffload = server);
        (QuicConnection clientConnection, QuicConnection serverConnection) = await QuicTestHarness.ConnectPairAsync(listener, o => o.UdpOffload = client);
        await using (clientConnection)
        await using (serverConnection)
        {
            Assert.Equal(ExpectedPath(server), listener.Endpoint.Socket.Description.Split(' ')[0]);
            Assert.Equal(ExpectedPath(client), clientConnection.Driver.Endpoint.Socket.Description.Split(' ')[0]);

            // Download: the server sends, so with GSO its batches carry the data.
            QuicStream request = await clientConnection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).Guard();
            await request.WriteAsync(new byte[] { 1 }, completeWrites: true).Guard();
            QuicStream served = await serverConnection.AcceptInboundStreamAsync().Guard();
            Task sending = served.WriteAsync(data, completeWrites: true).AsTask();

            using var received = new MemoryStream();
            var buffer = new byte[128 * 1024];
            int n;
            while ((n = await request.ReadAsync(buffer).Guard()) > 0)
            {
                received.Write(buffer, 0, n);
            }

            await sending.Guard();
            Assert.Equal(SHA256.HashData(data), SHA256.HashData(received.ToArray()));

            // The sender's send calls: GSO batches on the Linux path with UDP_SEGMENT, one datagram each otherwise.
            QuicConnectionStatistics sender = serverConnection.GetStatistics();
            if (server == QuicUdpOffload.Auto && LinuxUdpOffload.IsGsoSupported)
            {
                // How many per call depends on how fast the receiver acknowledges; more than one proves batching.
                Assert.True(sender.UdpSendCalls < sender.UdpDatagramsSent * 3 / 4, $"{sender.UdpDatagramsSent} datagrams in {sender.UdpSendCalls} send calls");
            }
            else
            {
                Assert.Equal(sender.UdpDatagramsSent, sender.UdpSendCalls);
            }
        }
    }

    private static string ExpectedPath(QuicUdpOffload offload) =>
        offload == QuicUdpOffload.Auto && LinuxUdpOffload.IsNativeAvailable ? "linux" : "portable";
}
