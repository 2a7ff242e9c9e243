using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Negotiation;

public class NegotiationTests
{
    /// <summary>Runs two negotiators against each other in memory, through the codec, until both finish.</summary>
    internal static (ProfileNegotiator Initiator, ProfileNegotiator Responder) Run(
        NodeInfo initiatorNode, NodeInfo responderNode, ProtocolProfileKind initiatorProposal = ProtocolProfileKind.HighPerformance, ProtocolProfileKind responderProposal = ProtocolProfileKind.HighPerformance)
    {
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, initiatorNode, initiatorProposal);
        var responder = new ProfileNegotiator(NegotiationRole.Responder, responderNode, responderProposal);
        initiator.Start();
        responder.Start();
        for (int round = 0; round < 4 && !(initiator.IsFinished && responder.IsFinished); round++)
        {
            Deliver(initiator, responder);
            Deliver(responder, initiator);
        }

        Assert.True(initiator.IsFinished && responder.IsFinished, "the negotiation did not finish in two messages");
        Assert.False(initiator.TryPollOutgoing(out _));
        Assert.False(responder.TryPollOutgoing(out _));
        return (initiator, responder);
    }

    private static void Deliver(ProfileNegotiator from, ProfileNegotiator to)
    {
        while (from.TryPollOutgoing(out ControlMessage? message))
        {
            ControlMessage decoded = ControlMessageCodec.Read(ControlMessageCodec.Encode(message));
            if (!to.IsFinished)
            {
                to.HandleMessage(decoded);
            }
        }
    }

    public static TheoryData<NodeType, NodeType, ProtocolProfileKind> AllNinePairs() => new()
    {
        { NodeType.Sclerotia, NodeType.Sclerotia, ProtocolProfileKind.HighPerformance },
        { NodeType.Sclerotia, NodeType.Rhizomorph, ProtocolProfileKind.Adaptive },
        { NodeType.Sclerotia, NodeType.Hyphae, ProtocolProfileKind.Lightweight },
        { NodeType.Rhizomorph, NodeType.Sclerotia, ProtocolProfileKind.Adaptive },
        { NodeType.Rhizomorph, NodeType.Rhizomorph, ProtocolProfileKind.Standard },
        { NodeType.Rhizomorph, NodeType.Hyphae, ProtocolProfileKind.Lightweight },
        { NodeType.Hyphae, NodeType.Sclerotia, ProtocolProfileKind.Lightweight },
        { NodeType.Hyphae, NodeType.Rhizomorph, ProtocolProfileKind.Lightweight },
        { NodeType.Hyphae, NodeType.Hyphae, ProtocolProfileKind.Lightweight },
    };

    [Theory]
    [MemberData(nameof(AllNinePairs))]
    public void Negotiation_EveryNodeTypePair_SettlesOnTheMatrixProfileOnBothSides(NodeType initiatorType, NodeType responderType, ProtocolProfileKind expected)
    {
        NodeInfo a = TestNodes.Node(initiatorType, 1);
        NodeInfo b = TestNodes.Node(responderType, 2);
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(a, b);

        Assert.Equal(NegotiationState.Completed, initiator.State);
        Assert.Equal(NegotiationState.Completed, responder.State);
        NegotiationResult i = initiator.Result!;
        NegotiationResult r = responder.Result!;
        Assert.Equal(expected, i.Profile.Kind);
        Assert.Equal(i.Profile, r.Profile);
        Assert.Equal(ProtocolVersions.Current, i.ProtocolVersion);
        Assert.Equal(i.ProtocolVersion, r.ProtocolVersion);
        Assert.Equal(i.MaxMessageSize, r.MaxMessageSize);
        Assert.Equal(a, i.Local);
        Assert.Equal(b, i.Peer);
        Assert.Equal(b, r.Local);
        Assert.Equal(a, r.Peer);
    }

    [Fact]
    public void Negotiation_SclerotiaWithSclerotia_GetsTheFullHighPerformanceProfile()
    {
        (ProfileNegotiator initiator, _) = Run(TestNodes.Node(NodeType.Sclerotia, 1), TestNodes.Node(NodeType.Sclerotia, 2));
        ProtocolProfile profile = initiator.Result!.Profile;
        Assert.Equal(ProtocolProfiles.HighPerformance.Transport, profile.Transport);
        Assert.Equal(ProtocolProfiles.HighPerformance.Reliability, profile.Reliability);
        Assert.Equal(ProtocolProfiles.HighPerformance.Chunking, profile.Chunking);
    }

    [Fact]
    public void Negotiation_SclerotiaProposingStandard_GetsStandardFromAnotherSclerotia()
    {
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(
            TestNodes.Node(NodeType.Sclerotia, 1), TestNodes.Node(NodeType.Sclerotia, 2), initiatorProposal: ProtocolProfileKind.Standard);
        Assert.Equal(ProtocolProfileKind.Standard, initiator.Result!.Profile.Kind);
        Assert.Equal(ProtocolProfileKind.Standard, responder.Result!.Profile.Kind);
    }

    [Fact]
    public void Negotiation_ResponderProposingLightweight_IsHonouredByTheInitiatorsCheck()
    {
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(
            TestNodes.Node(NodeType.Sclerotia, 1), TestNodes.Node(NodeType.Rhizomorph, 2), responderProposal: ProtocolProfileKind.Lightweight);
        Assert.Equal(NegotiationState.Completed, initiator.State);
        Assert.Equal(ProtocolProfileKind.Lightweight, initiator.Result!.Profile.Kind);
        Assert.Equal(ProtocolProfileKind.Lightweight, responder.Result!.Profile.Kind);
    }

    [Fact]
    public void Negotiation_HyphaeProposingHighPerformance_StillGetsLightweight()
    {
        (ProfileNegotiator initiator, _) = Run(TestNodes.Node(NodeType.Hyphae, 1), TestNodes.Node(NodeType.Sclerotia, 2));
        Assert.Equal(ProtocolProfileKind.Lightweight, initiator.Result!.Profile.Kind);
    }

    [Fact]
    public void Negotiation_NoCommonVersion_IsRejectedWithUnsupportedVersionOnBothSides()
    {
        NodeInfo old = TestNodes.Node(NodeType.Rhizomorph, 1, new NodeCapabilities { MinProtocolVersion = 1, MaxProtocolVersion = 1 });
        NodeInfo future = TestNodes.Node(NodeType.Rhizomorph, 2, new NodeCapabilities { MinProtocolVersion = 2, MaxProtocolVersion = 3 });
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(old, future);

        AssertFailed(responder, NegotiationErrorCode.UnsupportedVersion, remote: false);
        AssertFailed(initiator, NegotiationErrorCode.UnsupportedVersion, remote: true);
        Assert.Contains("1–1", initiator.Failure!.Reason, StringComparison.Ordinal);
        Assert.Contains("2–3", initiator.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiation_OverlappingVersionRanges_AgreeOnTheNewestCommonVersion()
    {
        NodeInfo a = TestNodes.Node(NodeType.Rhizomorph, 1, new NodeCapabilities { MinProtocolVersion = 1, MaxProtocolVersion = 3 });
        NodeInfo b = TestNodes.Node(NodeType.Rhizomorph, 2, new NodeCapabilities { MinProtocolVersion = 2, MaxProtocolVersion = 5 });
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(a, b);
        Assert.Equal(3, initiator.Result!.ProtocolVersion);
        Assert.Equal(3, responder.Result!.ProtocolVersion);
    }

    [Fact]
    public void Negotiation_NodeMeetingItself_IsRejectedAsSelfConnection()
    {
        NodeInfo node = TestNodes.Node(NodeType.Sclerotia, 7);
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(node, node);
        AssertFailed(responder, NegotiationErrorCode.SelfConnection, remote: false);
        AssertFailed(initiator, NegotiationErrorCode.SelfConnection, remote: true);
    }

    [Fact]
    public void Negotiation_MessagesTooSmallForTheProfilesChunks_AreIncompatibleCapabilities()
    {
        NodeInfo sensor = TestNodes.Node(NodeType.Hyphae, 1, new NodeCapabilities { MaxMessageSize = 16 * 1024 });
        (ProfileNegotiator initiator, ProfileNegotiator responder) = Run(sensor, TestNodes.Node(NodeType.Rhizomorph, 2));
        AssertFailed(responder, NegotiationErrorCode.IncompatibleCapabilities, remote: false);
        AssertFailed(initiator, NegotiationErrorCode.IncompatibleCapabilities, remote: true);
        Assert.Contains("Lightweight", responder.Failure!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiation_UnknownNodeType_IsRejectedWithUnknownNodeType()
    {
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Sclerotia, 2));
        responder.Start();
        var stranger = new NodeInfo(new NodeId(9, 9), (NodeType)7, NodeCapabilities.Default);
        responder.HandleMessage(ControlMessageCodec.Read(ControlMessageCodec.Encode(new Hello(1, stranger, ProtocolProfileKind.HighPerformance))));

        AssertFailed(responder, NegotiationErrorCode.UnknownNodeType, remote: false);
        Assert.True(responder.TryPollOutgoing(out ControlMessage? reject));
        Assert.Equal(NegotiationErrorCode.UnknownNodeType, Assert.IsType<NegotiationReject>(reject).Code);
        Assert.Contains("node type 7", ((NegotiationReject)reject).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("empty id")]
    [InlineData("message size")]
    [InlineData("version range")]
    [InlineData("proposed version")]
    [InlineData("profile")]
    [InlineData("bandwidth")]
    public void Negotiation_InvalidHello_IsRejectedWithInvalidNodeInfo(string what)
    {
        NodeInfo peer = TestNodes.Node(NodeType.Rhizomorph, 3);
        ushort version = 1;
        ProtocolProfileKind profile = ProtocolProfileKind.HighPerformance;
        switch (what)
        {
            case "empty id": peer = peer with { Id = NodeId.Empty }; break;
            case "message size": peer = peer with { Capabilities = new NodeCapabilities { MaxMessageSize = 10 } }; break;
            case "version range": peer = peer with { Capabilities = new NodeCapabilities { MinProtocolVersion = 3, MaxProtocolVersion = 2 } }; break;
            case "proposed version": version = 9; break;
            case "profile": profile = (ProtocolProfileKind)42; break;
            case "bandwidth": peer = peer with { Capabilities = new NodeCapabilities { BandwidthClass = (BandwidthClass)99 } }; break;
        }

        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Sclerotia, 2));
        responder.Start();
        responder.HandleMessage(new Hello(version, peer, profile));
        AssertFailed(responder, NegotiationErrorCode.InvalidNodeInfo, remote: false);
        Assert.True(responder.TryPollOutgoing(out ControlMessage? reject));
        Assert.IsType<NegotiationReject>(reject);
    }

    [Fact]
    public void Negotiation_ForgedHelloAckWithAnotherProfile_IsRejectedAsProfileMismatch()
    {
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Rhizomorph, 1));
        initiator.Start();
        Assert.True(initiator.TryPollOutgoing(out ControlMessage? hello));
        Assert.IsType<Hello>(hello);

        // A Rhizomorph pair must use Standard; a responder claiming HighPerformance is wrong.
        initiator.HandleMessage(new HelloAck(1, TestNodes.Node(NodeType.Rhizomorph, 2), ProtocolProfileKind.HighPerformance));
        AssertFailed(initiator, NegotiationErrorCode.ProfileMismatch, remote: false);
        Assert.True(initiator.TryPollOutgoing(out ControlMessage? reject));
        Assert.Equal(NegotiationErrorCode.ProfileMismatch, Assert.IsType<NegotiationReject>(reject).Code);
    }

    [Fact]
    public void Negotiation_HelloAckAtTheResponder_IsAnUnexpectedMessage()
    {
        var responder = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 1));
        responder.Start();
        responder.HandleMessage(new HelloAck(1, TestNodes.Node(NodeType.Rhizomorph, 2), ProtocolProfileKind.Standard));
        AssertFailed(responder, NegotiationErrorCode.UnexpectedMessage, remote: false);
    }

    [Fact]
    public void Negotiation_HelloAtTheInitiator_IsAnUnexpectedMessage()
    {
        var initiator = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Rhizomorph, 1));
        initiator.Start();
        initiator.HandleMessage(new Hello(1, TestNodes.Node(NodeType.Rhizomorph, 2), ProtocolProfileKind.Standard));
        AssertFailed(initiator, NegotiationErrorCode.UnexpectedMessage, remote: false);
    }

    [Fact]
    public void Negotiation_MalformedMessageAndClosedStream_FailWithTheirCodes()
    {
        var a = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 1));
        a.Start();
        a.HandleMalformed("garbage");
        AssertFailed(a, NegotiationErrorCode.MalformedMessage, remote: false);
        Assert.True(a.TryPollOutgoing(out ControlMessage? reject));
        Assert.Equal(NegotiationErrorCode.MalformedMessage, Assert.IsType<NegotiationReject>(reject).Code);

        var b = new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Rhizomorph, 1));
        b.Start();
        b.HandleStreamClosed();
        AssertFailed(b, NegotiationErrorCode.StreamClosed, remote: false);
    }

    [Fact]
    public void Negotiation_MisuseOfTheStateMachine_ThrowsInvalidOperation()
    {
        var negotiator = new ProfileNegotiator(NegotiationRole.Responder, TestNodes.Node(NodeType.Rhizomorph, 1));
        Assert.Throws<InvalidOperationException>(() => negotiator.HandleMessage(new NegotiationReject(NegotiationErrorCode.UnexpectedMessage, "x")));
        negotiator.Start();
        Assert.Throws<InvalidOperationException>(negotiator.Start);
        negotiator.HandleMessage(new NegotiationReject(NegotiationErrorCode.UnsupportedVersion, "no"));
        AssertFailed(negotiator, NegotiationErrorCode.UnsupportedVersion, remote: true);
        Assert.Throws<InvalidOperationException>(() => negotiator.HandleMessage(new NegotiationReject(NegotiationErrorCode.UnexpectedMessage, "x")));
    }

    [Fact]
    public void Negotiation_InvalidLocalNode_IsRejectedAtConstruction()
    {
        Assert.ThrowsAny<ArgumentException>(() => new ProfileNegotiator(NegotiationRole.Initiator, new NodeInfo(NodeId.Empty, NodeType.Hyphae, NodeCapabilities.Default)));
        Assert.ThrowsAny<ArgumentException>(() => new ProfileNegotiator(NegotiationRole.Initiator, TestNodes.Node(NodeType.Hyphae, 1), (ProtocolProfileKind)0));
        Assert.ThrowsAny<ArgumentException>(() => new ProfileNegotiator((NegotiationRole)0, TestNodes.Node(NodeType.Hyphae, 1)));
    }

    private static void AssertFailed(ProfileNegotiator negotiator, NegotiationErrorCode code, bool remote)
    {
        Assert.Equal(NegotiationState.Failed, negotiator.State);
        Assert.Null(negotiator.Result);
        Assert.NotNull(negotiator.Failure);
        Assert.Equal(code, negotiator.Failure!.Code);
        Assert.Equal(remote, negotiator.Failure.IsRemote);
        Assert.False(string.IsNullOrWhiteSpace(negotiator.Failure.Reason));
    }
}
