using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The transport knobs of one connection, with documented defaults. <see cref="Validate"/> is the
/// one place that checks them; the connection calls it before using them.
/// </summary>
internal sealed class TransportSettings
{
    /// <summary>Idle timeout we advertise (RFC 9000 §10.1); the effective one is the smaller of both sides'. Default 30 s. Zero disables it.</summary>
    public TimeSpan MaxIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Send a PING when nothing was sent for this long, keeping the connection and NAT bindings alive. Default: off.</summary>
    public TimeSpan? KeepAliveInterval { get; set; }

    /// <summary>The handshake must complete (and be confirmed) within this time or the connection closes; the idle timeout applies only after it. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>initial_max_data: the connection-level receive window we start with. Default 1 MiB.</summary>
    public long InitialMaxData { get; set; } = 1 << 20;

    /// <summary>The connection-level receive window may auto-tune up to this. Default 24 MiB.</summary>
    public long MaxConnectionReceiveWindow { get; set; } = 24 << 20;

    /// <summary>initial_max_stream_data_bidi_local / _bidi_remote / _uni: per-stream receive window we start with. Default 512 KiB.</summary>
    public long InitialMaxStreamData { get; set; } = 512 << 10;

    /// <summary>A stream's receive window may auto-tune up to this. Default 16 MiB.</summary>
    public long MaxStreamReceiveWindow { get; set; } = 16 << 20;

    /// <summary>Bytes written to a stream that may wait unacknowledged before writes push back. Default 1 MiB.</summary>
    public long StreamSendBufferLimit { get; set; } = 1 << 20;

    /// <summary>initial_max_streams_bidi: streams the peer may open concurrently. Default 100.</summary>
    public int MaxIncomingBidirectionalStreams { get; set; } = 100;

    /// <summary>initial_max_streams_uni. Default 100.</summary>
    public int MaxIncomingUnidirectionalStreams { get; set; } = 100;

    /// <summary>max_datagram_frame_size (RFC 9221 §3); 0 disables DATAGRAM frames. Default 65535.</summary>
    public int MaxDatagramFrameSize { get; set; } = 65535;

    /// <summary>Received datagrams kept until read; beyond it the oldest are dropped (datagrams are unreliable). Default 128.</summary>
    public int DatagramReceiveQueueLimit { get; set; } = 128;

    /// <summary>Datagrams queued for sending; beyond it a send is refused. Default 128.</summary>
    public int DatagramSendQueueLimit { get; set; } = 128;

    /// <summary>The congestion controller. Default CUBIC.</summary>
    public CongestionControlAlgorithm CongestionControl { get; set; } = CongestionControlAlgorithm.Cubic;

    /// <summary>RTT assumed before the first sample (RFC 9002 §6.2.2). Default 333 ms.</summary>
    public TimeSpan InitialRtt { get; set; } = TimeSpan.FromMilliseconds(333);

    /// <summary>max_ack_delay we advertise (RFC 9000 §18.2). Default 25 ms.</summary>
    public TimeSpan MaxAckDelay { get; set; } = TimeSpan.FromMilliseconds(25);

    /// <summary>ack_delay_exponent we advertise. Default 3.</summary>
    public int AckDelayExponent { get; set; } = 3;

    /// <summary>Acknowledge after this many ack-eliciting packets (RFC 9000 §13.2.2). Default 2.</summary>
    public int AckElicitingThreshold { get; set; } = 2;

    /// <summary>active_connection_id_limit we advertise. Default 4.</summary>
    public int ActiveConnectionIdLimit { get; set; } = 4;

    /// <summary>Length of the connection IDs we issue (0 or 4–20). Default 8.</summary>
    public int LocalConnectionIdLength { get; set; } = 8;

    /// <summary>max_udp_payload_size we advertise: the largest datagram we accept. Default 65527 (the RFC's maximum).</summary>
    public int MaxUdpPayloadSize { get; set; } = 65527;

    /// <summary>The datagram size used before anything larger is validated; QUIC's minimum is 1200 (RFC 9000 §14). Default 1200.</summary>
    public int InitialMaxDatagramSize { get; set; } = 1200;

    /// <summary>The largest datagram size path MTU discovery may reach (RFC 9000 §14.3). Default 1452; equal to <see cref="InitialMaxDatagramSize"/> disables discovery.</summary>
    public int MaxDatagramSize { get; set; } = 1452;

    /// <summary>Mark packets ECT(0) and validate ECN on the path (RFC 9000 §13.4). Default on.</summary>
    public bool EnableEcn { get; set; } = true;

    /// <summary>disable_active_migration (RFC 9000 §18.2). Default false.</summary>
    public bool DisableActiveMigration { get; set; }

    /// <summary>Packets of the same flight GSO may batch per transmit. Default 1 (no batching); drivers raise it when the OS offers UDP_SEGMENT.</summary>
    public int MaxSegmentsPerTransmit { get; set; } = 1;

    /// <summary>
    /// Maximum-size datagrams the pacer lets leave back to back (RFC 9002 §7.7). Default 10, the
    /// initial window, as the RFC suggests; a driver that sends GSO batches raises it to the batch
    /// size, since a batch leaves the host back to back anyway (§7.7 allows a larger limit where the
    /// path absorbs it).
    /// </summary>
    public int PacingBurstPackets { get; set; } = Pacer.DefaultBurstPackets;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Require(MaxIdleTimeout >= TimeSpan.Zero, nameof(MaxIdleTimeout), "must not be negative");
        Require(KeepAliveInterval is null || KeepAliveInterval > TimeSpan.Zero, nameof(KeepAliveInterval), "must be positive when set");
        Require(HandshakeTimeout > TimeSpan.Zero, nameof(HandshakeTimeout), "must be positive");
        Require(InitialMaxData is >= 0 and <= (1L << 62) - 1, nameof(InitialMaxData), "must be between 0 and 2^62-1");
        Require(MaxConnectionReceiveWindow >= InitialMaxData, nameof(MaxConnectionReceiveWindow), "must be at least InitialMaxData");
        Require(InitialMaxStreamData is >= 0 and <= (1L << 62) - 1, nameof(InitialMaxStreamData), "must be between 0 and 2^62-1");
        Require(MaxStreamReceiveWindow >= InitialMaxStreamData, nameof(MaxStreamReceiveWindow), "must be at least InitialMaxStreamData");
        Require(StreamSendBufferLimit >= 1024, nameof(StreamSendBufferLimit), "must be at least 1024 bytes");
        Require(MaxIncomingBidirectionalStreams is >= 0 and <= 1 << 24, nameof(MaxIncomingBidirectionalStreams), "must be between 0 and 2^24");
        Require(MaxIncomingUnidirectionalStreams is >= 0 and <= 1 << 24, nameof(MaxIncomingUnidirectionalStreams), "must be between 0 and 2^24");
        Require(MaxDatagramFrameSize is >= 0 and <= 65535, nameof(MaxDatagramFrameSize), "must be between 0 and 65535");
        Require(DatagramReceiveQueueLimit >= 1, nameof(DatagramReceiveQueueLimit), "must be at least 1");
        Require(DatagramSendQueueLimit >= 1, nameof(DatagramSendQueueLimit), "must be at least 1");
        Require(Enum.IsDefined(CongestionControl), nameof(CongestionControl), "is not a known algorithm");
        Require(InitialRtt > TimeSpan.Zero && InitialRtt <= TimeSpan.FromSeconds(60), nameof(InitialRtt), "must be between 0 and 60 s");
        Require(MaxAckDelay >= TimeSpan.Zero && MaxAckDelay < TimeSpan.FromMilliseconds(1 << 14), nameof(MaxAckDelay), "must be below 2^14 ms (RFC 9000 §18.2)");
        Require(AckDelayExponent is >= 0 and <= 20, nameof(AckDelayExponent), "must be between 0 and 20 (RFC 9000 §18.2)");
        Require(AckElicitingThreshold is >= 1 and <= 100, nameof(AckElicitingThreshold), "must be between 1 and 100");
        Require(ActiveConnectionIdLimit is >= 2 and <= 64, nameof(ActiveConnectionIdLimit), "must be between 2 and 64");
        Require(LocalConnectionIdLength == 0 || LocalConnectionIdLength is >= 4 and <= ConnectionId.MaxLength, nameof(LocalConnectionIdLength), "must be 0 or between 4 and 20");
        Require(MaxUdpPayloadSize is >= 1200 and <= 65527, nameof(MaxUdpPayloadSize), "must be between 1200 and 65527 (RFC 9000 §18.2)");
        Require(InitialMaxDatagramSize is >= 1200 and <= 65527, nameof(InitialMaxDatagramSize), "must be between 1200 and 65527");
        Require(MaxDatagramSize >= InitialMaxDatagramSize && MaxDatagramSize <= 65527, nameof(MaxDatagramSize), "must be between InitialMaxDatagramSize and 65527");
        Require(MaxSegmentsPerTransmit is >= 1 and <= 64, nameof(MaxSegmentsPerTransmit), "must be between 1 and 64");
        Require(PacingBurstPackets is >= 1 and <= 256, nameof(PacingBurstPackets), "must be between 1 and 256");
    }

    /// <summary>A copy that can be changed without affecting this one.</summary>
    public TransportSettings Clone() => (TransportSettings)MemberwiseClone();

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
