namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>Local configuration of the stream layer of one connection. Validate with <see cref="Validate"/>.</summary>
internal sealed class StreamManagerOptions
{
    /// <summary>The largest allowed <see cref="MaxConcurrentPeerStreamsBidi"/> / <see cref="MaxConcurrentPeerStreamsUni"/>.</summary>
    public const ulong MaxConcurrentPeerStreamsLimit = 65536;

    /// <summary>Initial connection receive window: our initial_max_data.</summary>
    public ulong InitialConnectionReceiveWindow { get; init; } = 512 * 1024;

    /// <summary>Cap for auto-tuning of the connection receive window.</summary>
    public ulong MaxConnectionReceiveWindow { get; init; } = 24 * 1024 * 1024;

    /// <summary>Initial receive window of bidirectional streams we open: our initial_max_stream_data_bidi_local.</summary>
    public ulong InitialStreamReceiveWindowBidiLocal { get; init; } = 256 * 1024;

    /// <summary>Initial receive window of bidirectional streams the peer opens: our initial_max_stream_data_bidi_remote.</summary>
    public ulong InitialStreamReceiveWindowBidiRemote { get; init; } = 256 * 1024;

    /// <summary>Initial receive window of unidirectional streams the peer opens: our initial_max_stream_data_uni.</summary>
    public ulong InitialStreamReceiveWindowUni { get; init; } = 256 * 1024;

    /// <summary>Cap for auto-tuning of stream receive windows.</summary>
    public ulong MaxStreamReceiveWindow { get; init; } = 16 * 1024 * 1024;

    /// <summary>Whether receive windows grow when they limit throughput (RFC 9000 §4.2).</summary>
    public bool AutoTuneWindows { get; init; } = true;

    /// <summary>How many bidirectional streams the peer may have open at once: our initial_max_streams_bidi, kept up by MAX_STREAMS as streams close.</summary>
    public ulong MaxConcurrentPeerStreamsBidi { get; init; } = 100;

    /// <summary>How many unidirectional streams the peer may have open at once: our initial_max_streams_uni.</summary>
    public ulong MaxConcurrentPeerStreamsUni { get; init; } = 100;

    /// <summary>How many locally opened streams may exist at once, whatever the peer allows.</summary>
    public int MaxLocalStreams { get; init; } = 1000;

    /// <summary>Unacknowledged bytes a stream buffers at most; writes beyond it are refused (backpressure).</summary>
    public int SendBufferLimit { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Size of the pooled segments stream buffers are made of. Smaller segments waste less when
    /// data arrives sparsely (a receive stream holds at most its window in whole segments plus
    /// one); larger ones mean fewer copies per chunk.
    /// </summary>
    public int BufferSegmentSize { get; init; } = 4096;

    /// <summary>Idle segments the connection keeps for reuse.</summary>
    public int MaxRetainedSegments { get; init; } = 256;

    /// <summary>Out-of-order fragments a receive stream holds at most before the connection fails (bounds reassembly metadata).</summary>
    public int MaxReceiveFragments { get; init; } = 4096;

    /// <summary>The transport parameters these options advertise (RFC 9000 §18.2).</summary>
    public StreamTransportLimits ToTransportLimits() => new(
        InitialConnectionReceiveWindow,
        InitialStreamReceiveWindowBidiLocal,
        InitialStreamReceiveWindowBidiRemote,
        InitialStreamReceiveWindowUni,
        MaxConcurrentPeerStreamsBidi,
        MaxConcurrentPeerStreamsUni);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ulong max = Wire.VarInt.MaxValue;
        Check(InitialConnectionReceiveWindow <= max, nameof(InitialConnectionReceiveWindow), "must be at most 2^62 - 1");
        Check(InitialStreamReceiveWindowBidiLocal <= max, nameof(InitialStreamReceiveWindowBidiLocal), "must be at most 2^62 - 1");
        Check(InitialStreamReceiveWindowBidiRemote <= max, nameof(InitialStreamReceiveWindowBidiRemote), "must be at most 2^62 - 1");
        Check(InitialStreamReceiveWindowUni <= max, nameof(InitialStreamReceiveWindowUni), "must be at most 2^62 - 1");
        Check(MaxConnectionReceiveWindow <= max && MaxConnectionReceiveWindow >= InitialConnectionReceiveWindow, nameof(MaxConnectionReceiveWindow), "must be between the initial window and 2^62 - 1");
        Check(
            MaxStreamReceiveWindow <= max && MaxStreamReceiveWindow >= Math.Max(InitialStreamReceiveWindowUni, Math.Max(InitialStreamReceiveWindowBidiLocal, InitialStreamReceiveWindowBidiRemote)),
            nameof(MaxStreamReceiveWindow),
            "must be between the largest initial stream window and 2^62 - 1");
        // A peer may open every stream we allow in one frame (implicit opening, RFC 9000 §3.2),
        // and each costs an entry: the concurrency is a memory commitment, so it is bounded.
        Check(MaxConcurrentPeerStreamsBidi <= MaxConcurrentPeerStreamsLimit, nameof(MaxConcurrentPeerStreamsBidi), "must be at most 65536");
        Check(MaxConcurrentPeerStreamsUni <= MaxConcurrentPeerStreamsLimit, nameof(MaxConcurrentPeerStreamsUni), "must be at most 65536");
        Check(MaxLocalStreams >= 0, nameof(MaxLocalStreams), "must not be negative");
        Check(SendBufferLimit >= 1, nameof(SendBufferLimit), "must be positive");
        Check(BufferSegmentSize is >= 64 and <= 1024 * 1024, nameof(BufferSegmentSize), "must be between 64 bytes and 1 MiB");
        Check(MaxRetainedSegments >= 0, nameof(MaxRetainedSegments), "must not be negative");
        Check(MaxReceiveFragments >= 1, nameof(MaxReceiveFragments), "must be positive");
    }

    private static void Check(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
