using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

/// <summary>Records what loss detection reports.</summary>
internal sealed class RecordingSink : ISentPacketSink
{
    public List<(PacketNumberSpace Space, ulong PacketNumber)> Acked { get; } = [];

    public List<(PacketNumberSpace Space, ulong PacketNumber)> Lost { get; } = [];

    public List<SentFrame> AckedFrames { get; } = [];

    public List<SentFrame> LostFrames { get; } = [];

    public IEnumerable<ulong> AckedNumbers => Acked.Select(a => a.PacketNumber);

    public IEnumerable<ulong> LostNumbers => Lost.Select(a => a.PacketNumber);

    public void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
    {
        Acked.Add((space, packet.PacketNumber));
        AckedFrames.AddRange(frames);
    }

    public void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
    {
        Lost.Add((space, packet.PacketNumber));
        LostFrames.AddRange(frames);
    }

    public void Clear()
    {
        Acked.Clear();
        Lost.Clear();
        AckedFrames.Clear();
        LostFrames.Clear();
    }
}

internal static class T
{
    public static Instant Ms(double ms) => Instant.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));

    public static TimeSpan Span(double ms) => TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond));

    public static PacketNumberRange[] Ranges(params (ulong Start, ulong End)[] ranges) =>
        ranges.Select(r => new PacketNumberRange(r.Start, r.End)).ToArray();

    public static PacketNumberRange[] One(ulong pn) => [new PacketNumberRange(pn, pn)];

    /// <summary>A detector for a server path (no anti-deadlock), with NewReno and the handshake confirmed unless asked otherwise.</summary>
    public static LossDetector Detector(out RttEstimator rtt, out ICongestionController cc, bool confirmed = true, bool isServer = true, EcnValidator? ecn = null)
    {
        rtt = new RttEstimator();
        cc = new NewRenoCongestionController();
        var detector = new LossDetector(rtt, cc, ecn, isServer);
        if (confirmed)
        {
            detector.OnHandshakeConfirmed(Instant.Zero);
        }

        return detector;
    }

    public static void SendApp(this LossDetector detector, ulong pn, Instant at, int size = 1200, SentPacketFlags flags = SentPacketFlags.AckEliciting) =>
        detector.OnPacketSent(PacketNumberSpace.ApplicationData, pn, at, size, flags, [SentFrame.Stream(4, pn * 1000, 1000, false)]);

    public static AckProcessingResult AckApp(this LossDetector detector, Instant at, ISentPacketSink sink, params (ulong Start, ulong End)[] ranges) =>
        detector.OnAckReceived(PacketNumberSpace.ApplicationData, Ranges(ranges), TimeSpan.Zero, null, at, sink);
}
