using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>
/// Loss detection for one path (RFC 9002 §6): the sent packets of each packet number space the
/// path carries, one loss detection timer, the PTO backoff, and the wiring to the path's RTT
/// estimator, congestion controller and ECN validator.
/// </summary>
/// <remarks>
/// <para>
/// Design: RTT, congestion control and ECN belong to a path, loss detection to a packet number
/// space (RFC 9002 §5, §6, §7). One detector serves one path and is given the path's
/// <see cref="RttEstimator"/>, <see cref="ICongestionController"/> and <see cref="EcnValidator"/>.
/// The first path carries the Initial, Handshake and application data spaces; a path added by
/// multipath carries only its own application data space (created with
/// <c>hasHandshakeSpaces: false</c>). Per space, a <see cref="SentPacketTracker"/> holds the
/// packets and runs packet- and time-threshold detection; this class combines the spaces into one
/// timer as RFC 9002 Appendix A.8 does, and reports acknowledged and lost packets through an
/// <see cref="ISentPacketSink"/> (see there for why a callback).
/// </para>
/// <para>
/// Call order for the connection (inputs are <c>On*</c>/<c>Set*</c>, outputs are properties):
/// <list type="number">
/// <item>Send: before building, <see cref="ICongestionController.AvailableWindow"/>, the pacer and
/// <see cref="GetProbesOwed"/> (probes bypass the window); after the packet is protected,
/// <see cref="OnPacketSent"/> with its frames (include <see cref="SentFrame.Ack"/> when it carried an
/// ACK frame), then <see cref="Pacer.OnPacketSent"/> for in-flight packets.</item>
/// <item>ACK frame received: <see cref="OnAckReceived"/> with its ranges (descending), decoded ack
/// delay and ECN counts. It may throw <see cref="QuicProtocolException"/>. In the sink: requeue
/// lost frames; for an acknowledged <see cref="SentFrameKind.Ack"/> call the space's
/// <see cref="ReceivedPacketTracker.OnAckFrameAcknowledged"/>.</item>
/// <item>Timer: when <c>now &gt;= </c><see cref="Deadline"/>, call <see cref="OnTimeout"/>; on
/// <see cref="LossTimeoutKind.Probe"/> send the probes it names (the deadline then moves).</item>
/// <item>Keys discarded: <see cref="DiscardSpace"/> (Initial, Handshake; RFC 9002 §6.4); 0-RTT
/// rejected: <see cref="DiscardZeroRttPackets"/>.</item>
/// <item>Inputs that move the timer: <see cref="OnHandshakeConfirmed"/>,
/// <see cref="SetAmplificationLimited"/> (server; after unblocking, if <see cref="Deadline"/> is
/// already past, call <see cref="OnTimeout"/> at once), <see cref="HasHandshakeKeys"/> (client),
/// <see cref="PeerMaxAckDelay"/> (from the peer's transport parameters).</item>
/// </list>
/// Nothing here is thread-safe; the connection's single owner drives it.
/// </para>
/// </remarks>
internal sealed partial class LossDetector : IDisposable
{
    /// <summary>kPacketThreshold (RFC 9002 §6.1.1).</summary>
    public const int PacketThreshold = 3;

    /// <summary>Probe packets sent on a PTO expiry (RFC 9002 §6.2.4 allows up to two).</summary>
    public const int ProbePacketsPerTimeout = 2;

    /// <summary>The default max_ack_delay transport parameter (RFC 9000 §18.2).</summary>
    public static readonly TimeSpan DefaultMaxAckDelay = TimeSpan.FromMilliseconds(25);

    private readonly SentPacketTracker?[] _spaces = new SentPacketTracker?[EncryptionLevelExtensions.SpaceCount];
    private readonly int[] _probesOwed = new int[EncryptionLevelExtensions.SpaceCount];
    private bool _handshakeAckReceived;
    private bool _amplificationLimited;

    /// <summary>Creates the detector for one path.</summary>
    /// <param name="rtt">The path's RTT estimator.</param>
    /// <param name="congestion">The path's congestion controller.</param>
    /// <param name="ecn">The path's ECN validator, or null when ECN is not used.</param>
    /// <param name="isServer">Whether this endpoint is the server (address validation rules, RFC 9002 §6.2.2.1).</param>
    /// <param name="hasHandshakeSpaces">Whether the path carries the Initial and Handshake spaces (the first path); otherwise the handshake is taken as confirmed.</param>
    public LossDetector(RttEstimator rtt, ICongestionController congestion, EcnValidator? ecn, bool isServer, bool hasHandshakeSpaces = true)
    {
        Rtt = rtt ?? throw new ArgumentNullException(nameof(rtt));
        Congestion = congestion ?? throw new ArgumentNullException(nameof(congestion));
        Ecn = ecn;
        IsServer = isServer;
        if (hasHandshakeSpaces)
        {
            _spaces[(int)PacketNumberSpace.Initial] = new SentPacketTracker(PacketNumberSpace.Initial);
            _spaces[(int)PacketNumberSpace.Handshake] = new SentPacketTracker(PacketNumberSpace.Handshake);
        }
        else
        {
            HandshakeConfirmed = true;
        }

        _spaces[(int)PacketNumberSpace.ApplicationData] = new SentPacketTracker(PacketNumberSpace.ApplicationData);
    }

    public RttEstimator Rtt { get; }

    public ICongestionController Congestion { get; }

    public EcnValidator? Ecn { get; }

    public bool IsServer { get; }

    /// <summary>Whether the handshake is confirmed (RFC 9001 §4.1.2); set by <see cref="OnHandshakeConfirmed"/>.</summary>
    public bool HandshakeConfirmed { get; private set; }

    /// <summary>Whether this client has Handshake keys (chooses the anti-deadlock probe's space, RFC 9002 §6.2.2.1).</summary>
    public bool HasHandshakeKeys { get; set; }

    /// <summary>Whether this client's TLS handshake completed (see <see cref="OnClientHandshakeComplete"/>).</summary>
    public bool ClientHandshakeComplete { get; private set; }

    /// <summary>The peer's max_ack_delay transport parameter; 25 ms until known.</summary>
    public TimeSpan PeerMaxAckDelay { get; set; } = DefaultMaxAckDelay;

    /// <summary>pto_count: consecutive PTO expiries without an acknowledgment that resets it.</summary>
    public int PtoCount { get; private set; }

    /// <summary>The loss detection timer: when <see cref="OnTimeout"/> must be called; <see cref="Instant.MaxValue"/> when unset.</summary>
    public Instant Deadline { get; private set; } = Instant.MaxValue;

    /// <summary>
    /// Whether the peer has validated this endpoint's address (RFC 9002 Appendix A.6): always for a
    /// server; for a client once a Handshake ACK arrived or the handshake is confirmed.
    /// </summary>
    public bool PeerCompletedAddressValidation => IsServer || _handshakeAckReceived || HandshakeConfirmed;

    /// <summary>
    /// Whether a client keeps a probe timer with nothing ack-eliciting in flight: RFC 9002
    /// §6.2.2.1's anti-deadlock rule (until the peer validated our address), and beyond it until
    /// our own handshake completes. The second part is ours: once a Handshake ACK arrived the RFC
    /// leaves recovery of the server's lost flight to the server's PTO, whose backoff under heavy
    /// loss can stall a handshake for tens of seconds when our ACKs (not ack-eliciting, never
    /// resent) are lost too; a PING with backoff carries our ACK ranges again, and the server's
    /// time-threshold loss detection then resends at once. The backoff is not reset by ACKs while
    /// this holds, so a stalled handshake costs a handful of small packets.
    /// </summary>
    private bool ProbesWithNothingInFlight => !IsServer && !HandshakeConfirmed && !(_handshakeAckReceived && ClientHandshakeComplete);

    /// <summary>Whether a space still has state (not discarded and present on this path).</summary>
    public bool HasSpace(PacketNumberSpace space) => _spaces[(int)space] is not null;

    /// <summary>The tracker for a space (for statistics and tests).</summary>
    /// <exception cref="InvalidOperationException">The space was discarded or is not on this path.</exception>
    public SentPacketTracker GetSpace(PacketNumberSpace space) =>
        _spaces[(int)space] ?? throw new InvalidOperationException($"The {space} space is not tracked on this path.");

    /// <summary>Probe packets still owed in a space after a PTO; each ack-eliciting packet sent there pays one.</summary>
    public int GetProbesOwed(PacketNumberSpace space) => _probesOwed[(int)space];

    /// <summary>
    /// Records a sent packet (RFC 9002 Appendix A.5). <paramref name="frames"/> are copied.
    /// In-flight packets are counted by the congestion controller and rearm the timer.
    /// </summary>
    public void OnPacketSent(PacketNumberSpace space, ulong packetNumber, Instant now, int size, SentPacketFlags flags, ReadOnlySpan<SentFrame> frames)
    {
        SentPacketTracker tracker = GetSpace(space);
        if ((flags & SentPacketFlags.AckEliciting) != 0)
        {
            flags |= SentPacketFlags.InFlight;
        }

        tracker.Add(packetNumber, now, size, flags, frames);
        Ecn?.OnPacketSent((flags & SentPacketFlags.EcnEct0) != 0);

        if ((flags & SentPacketFlags.AckEliciting) != 0 && _probesOwed[(int)space] > 0)
        {
            _probesOwed[(int)space]--;
        }

        if ((flags & SentPacketFlags.InFlight) != 0)
        {
            Congestion.OnPacketSent(now, size);
            SetLossDetectionTimer(now);
        }
    }

    /// <summary>The handshake is confirmed: the application data space's PTO may be armed (RFC 9002 §6.2.1).</summary>
    public void OnHandshakeConfirmed(Instant now)
    {
        HandshakeConfirmed = true;
        SetLossDetectionTimer(now);
    }

    /// <summary>
    /// A server reports whether the anti-amplification limit (RFC 9000 §8.1) blocks it: while
    /// blocked its PTO is not armed (RFC 9002 §6.2.2.1). After unblocking, if <see cref="Deadline"/>
    /// is not after <paramref name="now"/>, call <see cref="OnTimeout"/> at once.
    /// </summary>
    public void SetAmplificationLimited(bool limited, Instant now)
    {
        _amplificationLimited = limited;
        SetLossDetectionTimer(now);
    }

    /// <summary>
    /// Discards a space whose keys were discarded (RFC 9002 §6.4): its packets leave bytes in flight,
    /// the PTO backoff resets and the timer is rearmed. With a <paramref name="sink"/>, outstanding
    /// packets are reported lost so their frames can be sent elsewhere (path abandonment); without,
    /// they are dropped silently (Initial and Handshake).
    /// </summary>
    public void DiscardSpace(PacketNumberSpace space, Instant now, ISentPacketSink? sink = null)
    {
        SentPacketTracker? tracker = _spaces[(int)space];
        if (tracker is null)
        {
            return;
        }

        long removed = tracker.DiscardAll(sink);
        Congestion.RemoveFromBytesInFlight(removed);
        tracker.Dispose();
        _spaces[(int)space] = null;
        _probesOwed[(int)space] = 0;
        PtoCount = 0;
        SetLossDetectionTimer(now);
    }

    /// <summary>
    /// Forgets every packet sent in <paramref name="space"/> but keeps the space (a client that
    /// received a Retry starts its Initial flight over, RFC 9000 §17.2.5.3): the packets leave
    /// bytes in flight without a congestion reaction; packet numbers continue.
    /// </summary>
    public void ResetSpace(PacketNumberSpace space, Instant now)
    {
        SentPacketTracker? tracker = _spaces[(int)space];
        if (tracker is null)
        {
            return;
        }

        Congestion.RemoveFromBytesInFlight(tracker.DiscardAll(null));
        _probesOwed[(int)space] = 0;
        PtoCount = 0;
        SetLossDetectionTimer(now);
    }

    /// <summary>
    /// 0-RTT was rejected (RFC 9002 §6.4): outstanding 0-RTT packets leave bytes in flight and are
    /// reported to <paramref name="sink"/> as lost, so their stream data is sent again in 1-RTT
    /// packets. No congestion reaction.
    /// </summary>
    public void DiscardZeroRttPackets(Instant now, ISentPacketSink sink)
    {
        SentPacketTracker? tracker = _spaces[(int)PacketNumberSpace.ApplicationData];
        if (tracker is null)
        {
            return;
        }

        long removed = tracker.DiscardFlagged(SentPacketFlags.ZeroRtt, sink);
        Congestion.RemoveFromBytesInFlight(removed);
        SetLossDetectionTimer(now);
    }

    /// <summary>Returns the pooled buffers of every space.</summary>
    public void Dispose()
    {
        for (int i = 0; i < _spaces.Length; i++)
        {
            _spaces[i]?.Dispose();
            _spaces[i] = null;
        }
    }
}
