using System.Net;
using System.Net.Security;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Quic;
using Mycnet.Networking.Quic;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Protocols.Tests.Quic;

/// <summary>Profile negotiation on a real QUIC control stream over loopback, with the pair's profile applied to the connection.</summary>
public sealed class QuicNegotiationEndToEndTests
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(20);
    private static readonly SslApplicationProtocol Alpn = new("mycnet-node");

    private static NodeInfo Node(NodeType type, ulong id) => new(new NodeId(0x4E4F4445, id), type, NodeCapabilities.Default with { SupportsDatagrams = true });

    private static async Task<(QuicListener Listener, QuicConnection Client, QuicConnection Server)> ConnectAsync(ProtocolProfile serverProfile, ProtocolProfile clientProfile)
    {
        QuicListener listener = await QuicListener.ListenAsync(new QuicListenerOptions
        {
            ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            ApplicationProtocols = [Alpn],
            ConnectionOptions = new QuicServerConnectionOptions
            {
                DefaultStreamErrorCode = 1,
                DefaultCloseErrorCode = 2,
                ServerCertificate = TestCertificates.EcdsaP256Server,
                ServerCertificateChain = [TestCertificates.IntermediateCa],
                QlogDirectory = null,
                KeyLogFilePath = null,
            }.ApplyProfile(serverProfile),
        });
        ValueTask<QuicConnection> accept = listener.AcceptConnectionAsync();
        QuicConnection client = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
        {
            RemoteEndPoint = listener.LocalEndPoint,
            TargetHost = "localhost",
            ApplicationProtocols = [Alpn],
            TrustedRootCertificates = TestCertificates.TrustedRoots,
            DefaultStreamErrorCode = 3,
            DefaultCloseErrorCode = 4,
            QlogDirectory = null,
            KeyLogFilePath = null,
        }.ApplyProfile(clientProfile)).AsTask().WaitAsync(Guard);
        QuicConnection server = await accept.AsTask().WaitAsync(Guard);
        return (listener, client, server);
    }

    [Fact]
    public async Task Negotiation_SclerotiaToSclerotia_OverQuic_AgreesOnHighPerformance_AndTheProfileIsAppliedToTheConnection()
    {
        ProtocolProfile profile = ProtocolProfiles.Get(ProtocolProfiles.ForPair(NodeType.Sclerotia, NodeType.Sclerotia));
        Assert.Equal(ProtocolProfileKind.HighPerformance, profile.Kind);
        (QuicListener listener, QuicConnection client, QuicConnection server) = await ConnectAsync(profile, profile);
        await using (listener)
        await using (client)
        await using (server)
        {
            Task<NegotiationResult> responder = QuicProfileNegotiation.RespondAsync(server, Node(NodeType.Sclerotia, 1));
            NegotiationResult initiator = await QuicProfileNegotiation.InitiateAsync(client, Node(NodeType.Sclerotia, 2)).WaitAsync(Guard);
            NegotiationResult response = await responder.WaitAsync(Guard);

            Assert.Equal(ProtocolProfileKind.HighPerformance, initiator.Profile.Kind);
            Assert.Equal(ProtocolProfileKind.HighPerformance, response.Profile.Kind);
            Assert.Equal(NodeType.Sclerotia, initiator.Peer.Type);

            // The profile reached the transport: its first cipher suite was negotiated, and the
            // server's datagram support (on in HighPerformance) is visible to the client.
            Assert.Equal(profile.Transport.CipherSuitePreference[0], client.NegotiatedCipherSuite);
            Assert.True(client.MaxDatagramSize > 0);
            Assert.True(client.Capabilities.Datagrams);
        }
    }

    [Fact]
    public async Task Negotiation_HyphaeToRhizomorph_OverQuic_AgreesOnLightweight_AndItsLimitsApply()
    {
        ProtocolProfile profile = ProtocolProfiles.Get(ProtocolProfiles.ForPair(NodeType.Hyphae, NodeType.Rhizomorph));
        Assert.Equal(ProtocolProfileKind.Lightweight, profile.Kind);
        (QuicListener listener, QuicConnection client, QuicConnection server) = await ConnectAsync(profile, profile);
        await using (listener)
        await using (client)
        await using (server)
        {
            Task<NegotiationResult> responder = QuicProfileNegotiation.RespondAsync(server, Node(NodeType.Rhizomorph, 1));
            NegotiationResult result = await QuicProfileNegotiation.InitiateAsync(client, Node(NodeType.Hyphae, 2)).WaitAsync(Guard);
            Assert.Equal(ProtocolProfileKind.Lightweight, (await responder.WaitAsync(Guard)).Profile.Kind);
            Assert.Equal(ProtocolProfileKind.Lightweight, result.Profile.Kind);

            // Lightweight: ChaCha20 first, no datagrams, 16 concurrent bidirectional streams.
            Assert.Equal(System.Net.Security.TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256, client.NegotiatedCipherSuite);
            Assert.Equal(0, client.MaxDatagramSize);
            var open = new List<QuicStream>();
            for (int i = 0; i < profile.Transport.MaxBidirectionalStreams; i++)
            {
                QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).AsTask().WaitAsync(Guard);
                await stream.WriteAsync(new byte[] { 1 }).AsTask().WaitAsync(Guard);
                open.Add(stream);
            }

            // The control stream was closed by both sides, so exactly the profile's limit was open;
            // one more must wait until the server lets a stream go.
            ValueTask<QuicStream> blocked = client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional);
            QuicStream first = await server.AcceptInboundStreamAsync().AsTask().WaitAsync(Guard);
            Assert.False(blocked.IsCompleted);
            open[0].CompleteWrites();
            var buffer = new byte[8];
            while (await first.ReadAsync(buffer).AsTask().WaitAsync(Guard) > 0)
            {
            }

            first.CompleteWrites();
            await open[0].ReadAsync(buffer).AsTask().WaitAsync(Guard);
            await using QuicStream released = await blocked.AsTask().WaitAsync(Guard);
            foreach (QuicStream stream in open)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Negotiation_IncompatiblePeers_CloseTheConnectionWithTheNegotiationErrorCode()
    {
        ProtocolProfile profile = ProtocolProfiles.Standard;
        (QuicListener listener, QuicConnection client, QuicConnection server) = await ConnectAsync(profile, profile);
        await using (listener)
        await using (client)
        await using (server)
        {
            // The same node id on both sides: a node connected to itself.
            Task<NegotiationResult> responder = QuicProfileNegotiation.RespondAsync(server, Node(NodeType.Rhizomorph, 7));
            NegotiationException initiatorFailure = await Assert.ThrowsAsync<NegotiationException>(() => QuicProfileNegotiation.InitiateAsync(client, Node(NodeType.Rhizomorph, 7)).WaitAsync(Guard));
            Exception responderFailure = await Assert.ThrowsAnyAsync<Exception>(() => responder.WaitAsync(Guard));

            Assert.Equal(NegotiationErrorCode.SelfConnection, initiatorFailure.Code);
            NegotiationErrorCode seen = responderFailure switch
            {
                NegotiationException n => n.Code,
                QuicException q when QuicProfileNegotiation.TryGetNegotiationError(q, out NegotiationErrorCode code) => code,
                _ => throw new Xunit.Sdk.XunitException($"unexpected failure {responderFailure}"),
            };
            Assert.Equal(NegotiationErrorCode.SelfConnection, seen);

            // The connection is closed with the negotiation code; the client's next operation says so.
            QuicException closed = await Assert.ThrowsAsync<QuicException>(async () => await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional).AsTask().WaitAsync(Guard));
            Assert.True(
                closed.ApplicationErrorCode is null || QuicProfileNegotiation.TryGetNegotiationError(closed, out _),
                $"closed with {closed.QuicError} {closed.ApplicationErrorCode}");
        }
    }
}
