using FsCheck;
using FsCheck.Fluent;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Negotiation;

public class NegotiationRulesTests
{
    private static NegotiationRules.Announcement Announce(NodeInfo node, ProtocolProfileKind proposal = ProtocolProfileKind.HighPerformance) =>
        new(node, node.Capabilities.MaxProtocolVersion, proposal);

    /// <summary>Mostly valid values, with a rare invalid one, so both successes and every failure rule occur.</summary>
    private static Gen<T> MostlyValid<T>(Gen<T> valid, Gen<T> invalid) => Gen.Frequency((19, valid), (1, invalid));

    private static Gen<NodeCapabilities> Capabilities() =>
        from bandwidth in MostlyValid(Gen.Elements(BandwidthClass.Constrained, BandwidthClass.Cellular, BandwidthClass.WiFi, BandwidthClass.Ethernet), Gen.Constant((BandwidthClass)9))
        from metered in Gen.Elements(true, false)
        from battery in Gen.Elements(true, false)
        from datagrams in Gen.Elements(true, false)
        from compression in Gen.Choose(0, 3)
        from maxMessage in MostlyValid(Gen.Elements(20_000, 40_000, 140_000, 600_000, 2_000_000, 16 << 20), Gen.Constant(1))
        from minVersion in Gen.Choose(1, 2)
        from span in MostlyValid(Gen.Choose(0, 2), Gen.Constant(-1))
        select new NodeCapabilities
        {
            BandwidthClass = bandwidth,
            IsMetered = metered,
            IsBatteryConstrained = battery,
            SupportsDatagrams = datagrams,
            Compression = (CompressionAlgorithms)compression,
            MaxMessageSize = maxMessage,
            MinProtocolVersion = (ushort)minVersion,
            MaxProtocolVersion = (ushort)Math.Max(0, minVersion + span),
        };

    private static Gen<NegotiationRules.Announcement> Announcements() =>
        from type in MostlyValid(Gen.Elements(NodeType.Sclerotia, NodeType.Rhizomorph, NodeType.Hyphae), Gen.Constant((NodeType)4))
        from id in Gen.Choose(0, 9)
        from caps in Capabilities()
        from proposal in Gen.Elements(ProtocolProfileKind.Lightweight, ProtocolProfileKind.Standard, ProtocolProfileKind.Adaptive, ProtocolProfileKind.HighPerformance)
        from versionDelta in MostlyValid(Gen.Constant(0), Gen.Constant(-1))
        select new NegotiationRules.Announcement(new NodeInfo(new NodeId(0, (ulong)id), type, caps), (ushort)(caps.MaxProtocolVersion - versionDelta), proposal);

    [Fact]
    public void Negotiation_Outcome_IsTheSameWhicheverSideComputesIt() =>
        Properties.Check(Prop.ForAll(Announcements().ToArbitrary(), Announcements().ToArbitrary(), (a, b) =>
            NegotiationRules.Decide(a, b).Equals(NegotiationRules.Decide(b, a))), maxTest: 1000);

    [Fact]
    public void Negotiation_EverySuccessfulOutcome_IsAValidProfileWithinBothNodesCapabilities() =>
        Properties.Check(Prop.ForAll(Announcements().ToArbitrary(), Announcements().ToArbitrary(), (a, b) =>
        {
            NegotiationRules.Outcome outcome = NegotiationRules.Decide(a, b);
            if (!outcome.Success)
            {
                return outcome.Reason is { Length: > 0 } && Enum.IsDefined(outcome.Error);
            }

            ProtocolProfile profile = outcome.Profile!;
            profile.Validate();
            NodeCapabilities ca = a.Node.Capabilities, cb = b.Node.Capabilities;
            return profile.Kind <= ProtocolProfiles.ForPair(a.Node.Type, b.Node.Type)
                && profile.Kind <= a.ProposedProfile && profile.Kind <= b.ProposedProfile
                && outcome.MaxMessageSize == Math.Min(ca.MaxMessageSize, cb.MaxMessageSize)
                && profile.Chunking.Bounds.Max + NegotiationRules.EnvelopeReserve <= outcome.MaxMessageSize
                && (!profile.Transport.DatagramsEnabled || (ca.SupportsDatagrams && cb.SupportsDatagrams))
                && ca.Compression.Supports(profile.Compression.Algorithm) && cb.Compression.Supports(profile.Compression.Algorithm)
                && outcome.ProtocolVersion >= Math.Max(ca.MinProtocolVersion, cb.MinProtocolVersion)
                && outcome.ProtocolVersion <= Math.Min(ca.MaxProtocolVersion, cb.MaxProtocolVersion);
        }), maxTest: 1000);

    [Fact]
    public void Negotiation_GeneratedAnnouncements_CoverSuccessAndEveryRuleFailure()
    {
        // Guards the two properties above against a generator that never reaches some outcome.
        NegotiationRules.Announcement[] a = Announcements().Sample(2000, new Rnd(7UL, 0x9e3779b97f4a7c15UL), 10);
        NegotiationRules.Announcement[] b = Announcements().Sample(2000, new Rnd(11UL, 0x9e3779b97f4a7c15UL), 10);
        var outcomes = a.Zip(b, NegotiationRules.Decide).ToList();
        Assert.True(outcomes.Count(o => o.Success) > 100, "too few successful negotiations generated: " + string.Join(", ", outcomes.GroupBy(o => o.Success ? "ok" : o.Error.ToString()).Select(g => g.Key + "=" + g.Count())));
        foreach (NegotiationErrorCode code in new[]
        {
            NegotiationErrorCode.SelfConnection, NegotiationErrorCode.UnknownNodeType, NegotiationErrorCode.InvalidNodeInfo,
            NegotiationErrorCode.UnsupportedVersion, NegotiationErrorCode.IncompatibleCapabilities,
        })
        {
            Assert.Contains(outcomes, o => !o.Success && o.Error == code);
        }
    }

    [Fact]
    public void Negotiation_PeerWithoutDatagrams_TurnsDatagramsOffAndFallsBackToStreams()
    {
        NodeInfo a = TestNodes.Node(NodeType.Sclerotia, 1);
        NodeInfo b = TestNodes.Node(NodeType.Sclerotia, 2, new NodeCapabilities { SupportsDatagrams = false });
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(Announce(a), Announce(b));
        Assert.True(outcome.Success);
        Assert.False(outcome.Profile!.Transport.DatagramsEnabled);
        Assert.Equal(ReliabilityMode.Streams, outcome.Profile.Reliability);
        Assert.Equal(ProtocolProfiles.HighPerformance.Transport.CongestionControl, outcome.Profile.Transport.CongestionControl);
    }

    [Fact]
    public void Negotiation_PeerWithoutBrotli_GetsDeflateInTheLightweightProfile()
    {
        NodeInfo phone = TestNodes.Node(NodeType.Hyphae, 1, new NodeCapabilities { Compression = CompressionAlgorithms.Deflate });
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(Announce(phone), Announce(TestNodes.Node(NodeType.Rhizomorph, 2)));
        Assert.True(outcome.Success);
        Assert.Equal(ProtocolProfileKind.Lightweight, outcome.Profile!.Kind);
        Assert.Equal(CompressionAlgorithm.Deflate, outcome.Profile.Compression.Algorithm);
        Assert.Equal(CompressionAlgorithms.Deflate, outcome.Profile.Compression.Allowed);
    }

    [Fact]
    public void Negotiation_PeerWithoutCompression_GetsNone()
    {
        NodeInfo plain = TestNodes.Node(NodeType.Hyphae, 1, new NodeCapabilities { Compression = CompressionAlgorithms.None });
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(Announce(plain), Announce(TestNodes.Node(NodeType.Sclerotia, 2)));
        Assert.Equal(CompressionAlgorithm.None, outcome.Profile!.Compression.Algorithm);
    }

    [Fact]
    public void Negotiation_SmallMaxMessageSize_CapsTheChunkBoundsToFitAMessage()
    {
        NodeInfo a = TestNodes.Node(NodeType.Hyphae, 1, new NodeCapabilities { MaxMessageSize = 50_000 });
        NegotiationRules.Outcome outcome = NegotiationRules.Decide(Announce(a), Announce(TestNodes.Node(NodeType.Sclerotia, 2)));
        Assert.True(outcome.Success);
        Assert.Equal(50_000, outcome.MaxMessageSize);
        Assert.Equal(32 * 1024, outcome.Profile!.Chunking.Bounds.Min);
        Assert.Equal(50_000 - NegotiationRules.EnvelopeReserve, outcome.Profile.Chunking.Bounds.Max);
        Assert.Equal(50_000 - NegotiationRules.EnvelopeReserve, outcome.Profile.Chunking.DefaultChunkSize);
    }
}
