using System.Net;
using System.Net.Security;
using Mycnet.Networking.MultiHoming.Backhaul;
using Mycnet.Networking.Quic;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Topology;
using Xunit.Abstractions;

namespace Mycnet.Networking.MultiHoming.Tests.Backhaul.Namespaces;

/// <summary>The QUIC PING probe against a real QUIC server in the peer namespace, over each uplink.</summary>
[Collection(NamespaceCollection.Name)]
public sealed class QuicProbeNamespaceTests
{
    private static readonly SslApplicationProtocol Alpn = new("mycnet-probe");
    private readonly ITestOutputHelper _output;

    public QuicProbeNamespaceTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [NamespaceFact(RequiresNftables = true)]
    public async Task QuicPing_ProbesEveryUplink_AndABlackholeOnTheActiveOneMovesTrafficToTheNext()
    {
        await using BackhaulTopology topology = BackhaulTopology.Create();
        var target = new IPEndPoint(BackhaulTopology.TargetAddress, 7003);

        // A QUIC server on the peer's target address: its socket is created inside the peer namespace.
        await using QuicListener listener = topology.Peer.Invoke(() => QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = target,
            ApplicationProtocols = [Alpn],
            ConnectionOptions = new QuicServerConnectionOptions
            {
                DefaultStreamErrorCode = 1,
                DefaultCloseErrorCode = 2,
                ServerCertificate = TestCertificates.EcdsaP256Server,
                ServerCertificateChain = [TestCertificates.IntermediateCa],
                QlogDirectory = null,
                KeyLogFilePath = null,
            },
        }).AsTask().GetAwaiter().GetResult());
        using var stopAccepting = new CancellationTokenSource();
        var accepted = new List<QuicConnection>();
        Task accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    accepted.Add(await listener.AcceptConnectionAsync(stopAccepting.Token));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        BackhaulManagerOptions options = BackhaulTopology.Options(
            minSwitchInterval: TimeSpan.FromSeconds(20),
            targets: [BackhaulProbeTarget.QuicPing(target)],
            quicPing: new QuicPingProbeOptions
            {
                ApplicationProtocol = Alpn,
                TargetHost = "server.test",
                TrustedRootCertificates = TestCertificates.TrustedRoots,
            });
        await using BackhaulManager manager = topology.CreateManager(options);
        var changes = new ChangeRecorder(manager);
        try
        {
            await manager.StartAsync();
            await changes.WaitForSwitchAsync("eth0");
            await changes.WaitForStateAsync("wlan0", BackhaulState.Up);
            await changes.WaitForStateAsync("wwan0", BackhaulState.Up);

            // Every uplink measured a QUIC round trip.
            foreach (BackhaulInterfaceStatus status in manager.GetInterfaces().Where(s => BackhaulTopology.Links.Contains(s.Name)))
            {
                _output.WriteLine($"{status.Name}: {status.State}, srtt {status.SmoothedRtt?.TotalMilliseconds:0.###} ms, loss {status.Loss:0.###}");
                Assert.True(status.SmoothedRtt > TimeSpan.Zero, $"{status.Name} has no QUIC round trip");
            }

            int mark = changes.Mark();
            topology.Peer.Firewall.SetBlackhole("p-eth0");
            await changes.WaitForStateAsync("eth0", BackhaulState.Down, mark);
            BackhaulSwitched failover = await changes.WaitForSwitchAsync("wlan0", mark);
            Assert.Equal(BackhaulSwitchReason.Failover, failover.Reason);
            topology.AssertRoutingMatches(manager, "wlan0");
        }
        finally
        {
            foreach (BackhaulChange change in changes.Changes)
            {
                _output.WriteLine(ChangeRecorder.Describe(change));
            }
        }

        await manager.ShutdownAsync();
        await stopAccepting.CancelAsync();
        await accepting;
        foreach (QuicConnection connection in accepted)
        {
            await connection.DisposeAsync();
        }
    }
}
