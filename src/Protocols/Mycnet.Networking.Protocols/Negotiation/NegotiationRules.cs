// Design: the outcome of a negotiation is a pure, symmetric function of the two nodes' announcements, so the
// initiator and the responder compute it independently and must agree; the HelloAck only confirms. Symmetry
// comes from using only symmetric operations: min, max, intersection, equality. The steps, in order (the first
// failure wins, so every pair of inputs has exactly one outcome):
//   1. the ids differ (else SelfConnection);
//   2. each announcement is valid: known node type (else UnknownNodeType), non-empty id, capabilities in range,
//      proposed version inside its own range, known proposed profile (else InvalidNodeInfo);
//   3. version = min(max1, max2), which must be ≥ max(min1, min2) (else UnsupportedVersion);
//   4. profile = the lightest of the pair matrix and both proposals (a node may ask for less, never for more);
//   5. effective settings: datagrams only if the profile enables them and both nodes support them (otherwise
//      reliability falls back to streams); compression among the profile's allowed algorithms both nodes support
//      (the profile default if usable, else the cheapest usable, else none); max message size = the smaller;
//      chunk bounds capped so a chunk and its envelope fit a message — if even the profile's smallest chunk does
//      not fit, IncompatibleCapabilities.
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>The deterministic negotiation outcome for two nodes' announcements.</summary>
public static class NegotiationRules
{
    /// <summary>Room reserved in every message for the envelope around a chunk (request id, flags, headers).</summary>
    public const int EnvelopeReserve = 1024;

    /// <summary>One node's announcement: who it is, the version it proposes, and the heaviest profile it wants.</summary>
    /// <param name="Node">The node.</param>
    /// <param name="ProtocolVersion">The version it proposes.</param>
    /// <param name="ProposedProfile">The heaviest profile it wants.</param>
    public readonly record struct Announcement(NodeInfo Node, ushort ProtocolVersion, ProtocolProfileKind ProposedProfile);

    /// <summary>The outcome: either the agreed version and effective profile, or an error code and reason.</summary>
    public readonly record struct Outcome(bool Success, ushort ProtocolVersion, ProtocolProfile? Profile, int MaxMessageSize, NegotiationErrorCode Error, string? Reason)
    {
        internal static Outcome Fail(NegotiationErrorCode error, string reason) => new(false, 0, null, 0, error, reason);
    }

    /// <summary>Decides the outcome for two announcements. Symmetric: <c>Decide(a, b)</c> equals <c>Decide(b, a)</c>.</summary>
    public static Outcome Decide(Announcement a, Announcement b)
    {
        // Put the two in a canonical order (by node id) so even the wording of a failure is symmetric.
        if (a.Node is not null && b.Node is not null && b.Node.Id < a.Node.Id)
        {
            (a, b) = (b, a);
        }

        // A node meeting itself is refused before anything else (and needs no ordering).
        if (a.Node is not null && b.Node is not null && a.Node.Id == b.Node.Id)
        {
            return Outcome.Fail(NegotiationErrorCode.SelfConnection, $"Both announcements carry node id {a.Node.Id}: a node cannot negotiate with itself.");
        }

        if (CheckAnnouncement(a) is { } invalidA)
        {
            return invalidA;
        }

        if (CheckAnnouncement(b) is { } invalidB)
        {
            return invalidB;
        }

        NodeInfo nodeA = a.Node!; // checked above
        NodeInfo nodeB = b.Node!;
        NodeCapabilities capsA = nodeA.Capabilities;
        NodeCapabilities capsB = nodeB.Capabilities;
        ushort version = Math.Min(capsA.MaxProtocolVersion, capsB.MaxProtocolVersion);
        if (version < Math.Max(capsA.MinProtocolVersion, capsB.MinProtocolVersion))
        {
            return Outcome.Fail(
                NegotiationErrorCode.UnsupportedVersion,
                $"No common protocol version: {Describe(nodeA)} speaks {capsA.MinProtocolVersion}–{capsA.MaxProtocolVersion}, {Describe(nodeB)} speaks {capsB.MinProtocolVersion}–{capsB.MaxProtocolVersion}.");
        }

        ProtocolProfileKind kind = Lightest(ProtocolProfiles.ForPair(nodeA.Type, nodeB.Type), Lightest(a.ProposedProfile, b.ProposedProfile));
        ProtocolProfile baseProfile = ProtocolProfiles.Get(kind);
        int maxMessage = Math.Min(capsA.MaxMessageSize, capsB.MaxMessageSize);
        int chunkLimit = maxMessage - EnvelopeReserve;
        ChunkSizeRange bounds = baseProfile.Chunking.Bounds;
        if (chunkLimit < bounds.Min)
        {
            return Outcome.Fail(
                NegotiationErrorCode.IncompatibleCapabilities,
                $"The {kind} profile needs chunks of at least {bounds.Min} bytes, but the nodes accept messages of at most {maxMessage} bytes.");
        }

        bool datagrams = baseProfile.Transport.DatagramsEnabled && capsA.SupportsDatagrams && capsB.SupportsDatagrams;
        CompressionAlgorithms usable = baseProfile.Compression.Allowed & capsA.Compression & capsB.Compression;
        CompressionSettings compression = usable.Supports(baseProfile.Compression.Algorithm)
            ? baseProfile.Compression with { Allowed = usable }
            : baseProfile.Compression with { Algorithm = usable.Cheapest(), Allowed = usable };
        var cappedBounds = new ChunkSizeRange(bounds.Min, Math.Min(bounds.Max, chunkLimit));
        ProtocolProfile effective = baseProfile with
        {
            Transport = datagrams == baseProfile.Transport.DatagramsEnabled ? baseProfile.Transport : baseProfile.Transport with { DatagramsEnabled = datagrams },
            Reliability = datagrams ? baseProfile.Reliability : ReliabilityMode.Streams,
            Compression = compression,
            Chunking = new ChunkingSettings { Bounds = cappedBounds, DefaultChunkSize = cappedBounds.Clamp(baseProfile.Chunking.DefaultChunkSize) },
        };
        return new Outcome(true, version, effective, maxMessage, default, null);
    }

    /// <summary>The lighter of two profile kinds.</summary>
    public static ProtocolProfileKind Lightest(ProtocolProfileKind a, ProtocolProfileKind b) => a <= b ? a : b;

    private static Outcome? CheckAnnouncement(Announcement announcement)
    {
        NodeInfo? node = announcement.Node;
        if (node is null)
        {
            return Outcome.Fail(NegotiationErrorCode.InvalidNodeInfo, "An announcement carries no node.");
        }

        if (!Enum.IsDefined(node.Type))
        {
            return Outcome.Fail(NegotiationErrorCode.UnknownNodeType, $"Node {node.Id} announced node type {(int)node.Type}, which this SDK does not know (Sclerotia = 1, Rhizomorph = 2, Hyphae = 3).");
        }

        try
        {
            node.Validate();
        }
        catch (ArgumentException ex)
        {
            return Outcome.Fail(NegotiationErrorCode.InvalidNodeInfo, $"{Describe(node)} announced invalid information: {ex.Message}");
        }

        NodeCapabilities caps = node.Capabilities;
        if (announcement.ProtocolVersion < caps.MinProtocolVersion || announcement.ProtocolVersion > caps.MaxProtocolVersion)
        {
            return Outcome.Fail(
                NegotiationErrorCode.InvalidNodeInfo,
                $"{Describe(node)} proposed version {announcement.ProtocolVersion} outside its own range {caps.MinProtocolVersion}–{caps.MaxProtocolVersion}.");
        }

        if (!Enum.IsDefined(announcement.ProposedProfile))
        {
            return Outcome.Fail(NegotiationErrorCode.InvalidNodeInfo, $"{Describe(node)} proposed an unknown profile ({(int)announcement.ProposedProfile}).");
        }

        return null;
    }

    private static string Describe(NodeInfo node) => $"{node.Type} {node.Id}";
}
