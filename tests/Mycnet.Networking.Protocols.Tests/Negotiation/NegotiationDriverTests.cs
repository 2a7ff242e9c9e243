using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Negotiation;

public class NegotiationDriverTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Negotiation_OverADuplexStream_SclerotiaAndRhizomorphAgreeOnAdaptive()
    {
        (Stream client, Stream server) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Sclerotia, 1));
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 2));

        ValueTask<NegotiationResult> serverSide = NegotiationDriver.RunAsync(responder, server, cts.Token);
        NegotiationResult clientResult = await NegotiationDriver.RunAsync(initiator, client, cts.Token);
        NegotiationResult serverResult = await serverSide;

        Assert.Equal(ProtocolProfileKind.Adaptive, clientResult.Profile.Kind);
        Assert.Equal(clientResult.Profile, serverResult.Profile);
        Assert.Equal(NodeType.Rhizomorph, clientResult.Peer.Type);
        Assert.Equal(NodeType.Sclerotia, serverResult.Peer.Type);
    }

    [Fact]
    public async Task Negotiation_OverADuplexStream_IncompatibleVersionsFailOnBothSidesWithTheCode()
    {
        (Stream client, Stream server) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Hyphae, 1, new NodeCapabilities { MinProtocolVersion = 4, MaxProtocolVersion = 4 }));
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 2));

        ValueTask<NegotiationResult> serverSide = NegotiationDriver.RunAsync(responder, server, cts.Token);
        var clientError = await Assert.ThrowsAsync<NegotiationException>(async () => await NegotiationDriver.RunAsync(initiator, client, cts.Token));
        var serverError = await Assert.ThrowsAsync<NegotiationException>(async () => await serverSide);

        Assert.Equal(NegotiationErrorCode.UnsupportedVersion, clientError.Code);
        Assert.True(clientError.IsRemote);
        Assert.Equal(NegotiationErrorCode.UnsupportedVersion, serverError.Code);
        Assert.False(serverError.IsRemote);
        Assert.Equal(serverError.Reason, clientError.Reason);
    }

    [Fact]
    public async Task Negotiation_GarbageOnTheControlStream_IsMalformedAndAnsweredWithAReject()
    {
        (Stream peer, Stream server) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 2));
        ValueTask<NegotiationResult> serverSide = NegotiationDriver.RunAsync(responder, server, cts.Token);

        await LengthPrefixedFraming.WriteFrameAsync(peer, new byte[] { 0x92, 0x01, 0xc1 }, cts.Token);
        await peer.FlushAsync(cts.Token);
        var error = await Assert.ThrowsAsync<NegotiationException>(async () => await serverSide);
        Assert.Equal(NegotiationErrorCode.MalformedMessage, error.Code);

        byte[]? frame = await LengthPrefixedFraming.ReadFrameAsync(peer, ControlMessageCodec.MaxMessageLength, cts.Token);
        var reject = Assert.IsType<NegotiationReject>(ControlMessageCodec.Read(frame!));
        Assert.Equal(NegotiationErrorCode.MalformedMessage, reject.Code);
        Assert.Contains("0xc1", reject.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negotiation_OversizedFrame_IsMalformedBeforeAnythingIsAllocated()
    {
        (Stream peer, Stream server) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 2));
        ValueTask<NegotiationResult> serverSide = NegotiationDriver.RunAsync(responder, server, cts.Token);

        await peer.WriteAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff }, cts.Token);
        await peer.FlushAsync(cts.Token);
        var error = await Assert.ThrowsAsync<NegotiationException>(async () => await serverSide);
        Assert.Equal(NegotiationErrorCode.MalformedMessage, error.Code);
        Assert.Contains("limit", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negotiation_StreamClosedBeforeTheAck_FailsWithStreamClosed()
    {
        (Stream client, Stream server) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(Timeout);
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Hyphae, 1));
        ValueTask<NegotiationResult> clientSide = NegotiationDriver.RunAsync(initiator, client, cts.Token);

        byte[]? hello = await LengthPrefixedFraming.ReadFrameAsync(server, ControlMessageCodec.MaxMessageLength, cts.Token);
        Assert.IsType<Hello>(ControlMessageCodec.Read(hello!));
        await server.DisposeAsync();

        var error = await Assert.ThrowsAsync<NegotiationException>(async () => await clientSide);
        Assert.Equal(NegotiationErrorCode.StreamClosed, error.Code);
    }
}
