namespace Mycnet.Networking.Quic.Core.Recovery.Congestion;

/// <summary>
/// A path's congestion controller (RFC 9002 §7). The seam where algorithms plug in.
/// </summary>
/// <remarks>
/// The controller owns the path's bytes-in-flight count, because both the send path (may a packet
/// be sent?) and the pacer read it next to the window, and one owner cannot drift. Only
/// <see cref="LossDetector"/> calls the event methods (sent, acknowledged, lost, discarded,
/// congestion signals), so a connection cannot forget one; the connection reads
/// <see cref="CongestionWindow"/>, <see cref="BytesInFlight"/> and <see cref="AvailableWindow"/>,
/// reports application-limited periods with <see cref="OnApplicationLimited"/>, and updates
/// <see cref="MaxDatagramSize"/> when the path MTU changes. Probe packets sent on PTO and the one
/// packet allowed on entering recovery may exceed the window (RFC 9002 §7, §7.5); they are still
/// counted in flight.
/// </remarks>
internal interface ICongestionController
{
    /// <summary>Which algorithm this is.</summary>
    CongestionControlAlgorithm Algorithm { get; }

    /// <summary>A short stable name for statistics and qlog ("newreno", "cubic").</summary>
    string Name { get; }

    /// <summary>The congestion window in bytes.</summary>
    long CongestionWindow { get; }

    /// <summary>The slow start threshold in bytes; <see cref="long.MaxValue"/> until the first congestion event.</summary>
    long SlowStartThreshold { get; }

    /// <summary>Bytes of in-flight packets on the path not yet acknowledged, lost or discarded.</summary>
    long BytesInFlight { get; }

    /// <summary>How many more bytes the window admits now (never negative).</summary>
    long AvailableWindow { get; }

    /// <summary>The path's maximum datagram size, which scales the initial and minimum windows.</summary>
    int MaxDatagramSize { get; }

    /// <summary>Whether the path is in a recovery period.</summary>
    bool InRecovery { get; }

    /// <summary>Whether cwnd growth is suspended because the sender is not using the window (RFC 9002 §7.8).</summary>
    bool IsApplicationLimited { get; }

    /// <summary>How many congestion events (loss or ECN-CE) reduced the window.</summary>
    int CongestionEvents { get; }

    /// <summary>Sets the maximum datagram size (path MTU change; RFC 9002 §7.2).</summary>
    void SetMaxDatagramSize(int maxDatagramSize);

    /// <summary>
    /// The sender ran out of data to send while the window had room (RFC 9002 §7.8): the window
    /// stops growing until the sender is window-limited again.
    /// </summary>
    void OnApplicationLimited();

    /// <summary>
    /// The sender has data but the pacer holds it back: the window is in use (RFC 9002 §7.8 counts
    /// pacing-limited as not under-utilized), so growth resumes if it was suspended.
    /// </summary>
    void OnPacingLimited();

    /// <summary>An in-flight packet was sent.</summary>
    void OnPacketSent(Instant now, int bytes);

    /// <summary>An in-flight packet was newly acknowledged (RFC 9002 Appendix B.5).</summary>
    void OnPacketAcked(Instant now, Instant timeSent, int bytes, RttEstimator rtt);

    /// <summary>In-flight bytes were declared lost or discarded; no window reaction (that is <see cref="OnCongestionEvent"/>).</summary>
    void RemoveFromBytesInFlight(long bytes);

    /// <summary>
    /// Packets were lost, the latest of which was sent at <paramref name="sentTime"/> (RFC 9002
    /// Appendix B.6): enters recovery and reduces the window unless already in a recovery period
    /// that began after <paramref name="sentTime"/>.
    /// </summary>
    void OnCongestionEvent(Instant now, Instant sentTime);

    /// <summary>
    /// The peer's ECN-CE count increased; <paramref name="sentTime"/> is the send time of the
    /// largest newly acknowledged packet (RFC 9002 Appendix B.7). Same reaction as a loss.
    /// </summary>
    void OnEcnCe(Instant now, Instant sentTime);

    /// <summary>Persistent congestion was established (RFC 9002 §7.6.2): collapse to the minimum window.</summary>
    void OnPersistentCongestion(Instant now);
}
