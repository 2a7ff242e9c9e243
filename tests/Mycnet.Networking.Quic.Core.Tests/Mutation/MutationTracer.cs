using System.Net;
using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// Watches one connection for the mutation test: which packets it authenticated and processed
/// (so a mutant is known to have reached the frame parsers), why it dropped packets, and — for the
/// client — the TLS secrets, handed to the <see cref="MutationKeyRing"/>.
/// </summary>
internal sealed class MutationTracer : IConnectionTracer
{
    private readonly List<(PacketNumberSpace Space, ulong Number)> _received = [];

    public MutationKeyRing? KeyRing { get; init; }

    /// <summary>Packets authenticated and handed to frame processing, ever.</summary>
    public long PacketsReceived { get; private set; }

    /// <summary>The last reason a packet was dropped since <see cref="Mark"/>.</summary>
    public string? LastDropReason { get; private set; }

    /// <summary>Forgets the packets received so far, before an input whose effect is to be observed.</summary>
    public void Mark()
    {
        _received.Clear();
        LastDropReason = null;
    }

    /// <summary>Whether the packet was authenticated and processed since <see cref="Mark"/>.</summary>
    public bool ReceivedSinceMark(PacketNumberSpace space, ulong number) => _received.Contains((space, number));

    /// <summary>Whether any packet was authenticated and processed since <see cref="Mark"/>.</summary>
    public bool AnyReceivedSinceMark => _received.Count > 0;

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
        PacketsReceived++;
        if (_received.Count < 64)
        {
            _received.Add((space, packetNumber));
        }
    }

    public void OnPacketDropped(Instant now, int size, string reason) => LastDropReason = reason;

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) => KeyRing?.AddSecret(label, secret);

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
    }

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
    }
}
