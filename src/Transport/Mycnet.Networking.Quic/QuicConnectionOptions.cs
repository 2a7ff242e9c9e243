using System.Diagnostics.Metrics;
using System.Net.Security;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Tracing;

namespace Mycnet.Networking.Quic;

/// <summary>
/// Settings shared by client and server connections, with documented defaults. Checked once,
/// when a connection or listener is created (an invalid value throws <see cref="ArgumentException"/>
/// naming the property); changing the object afterwards does not affect connections already made.
/// </summary>
/// <remarks>
/// <para>On the msquic engine (<see cref="QuicEngine.MsQuic"/>) the settings with a System.Net.Quic
/// counterpart apply as documented: error codes, timeouts, keep-alive, stream limits (at most
/// 65535 there), initial receive windows (powers of two up to 2^30 there), cipher suites (as a set,
/// without an order). Tuning it has no counterpart for is ignored: the maximum receive windows
/// (msquic tunes its own), <see cref="DatagramReceiveEnabled"/> (no datagrams), qlog and key-log
/// files, logger and meter factories. What the application asked for explicitly and only the
/// managed engine does is refused with <see cref="NotSupportedException"/>: a congestion controller
/// other than CUBIC (msquic's), a <see cref="TimeProvider"/> other than the system clock.</para>
/// </remarks>
public abstract class QuicConnectionOptions
{
    private protected QuicConnectionOptions()
    {
    }

    /// <summary>
    /// Required: the application error code used when a stream is aborted without one — a stream
    /// disposed before it was read to the end, a read or write cancelled — between 0 and 2^62-1.
    /// </summary>
    public long DefaultStreamErrorCode { get; set; } = -1;

    /// <summary>
    /// Required: the application error code sent when the connection is disposed without
    /// <see cref="QuicConnection.CloseAsync"/>, between 0 and 2^62-1.
    /// </summary>
    public long DefaultCloseErrorCode { get; set; } = -1;

    /// <summary>
    /// Close the connection when nothing arrives for this long (RFC 9000 §10.1; the smaller of both
    /// sides' values applies). Default 30 s; <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Send a PING when nothing was sent for this long, which keeps the connection (and NAT bindings)
    /// alive. Default <see cref="Timeout.InfiniteTimeSpan"/>: off.
    /// </summary>
    public TimeSpan KeepAliveInterval { get; set; } = Timeout.InfiniteTimeSpan;

    /// <summary>The handshake must complete within this time. Default 10 s.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Bidirectional streams the peer may have open at once. Default 100; 0 forbids them. At most 65535 on the msquic engine.</summary>
    public int MaxInboundBidirectionalStreams { get; set; } = 100;

    /// <summary>Unidirectional streams the peer may have open at once. Default 100; 0 forbids them. At most 65535 on the msquic engine.</summary>
    public int MaxInboundUnidirectionalStreams { get; set; } = 100;

    /// <summary>The congestion controller. Default <see cref="QuicCongestionControlAlgorithm.Cubic"/> (the only one on the msquic engine).</summary>
    public QuicCongestionControlAlgorithm CongestionControl { get; set; } = QuicCongestionControlAlgorithm.Cubic;

    /// <summary>The connection-level receive window we start with (initial_max_data). Default 1 MiB. A power of two up to 2^30 on the msquic engine.</summary>
    public long InitialConnectionReceiveWindow { get; set; } = 1 << 20;

    /// <summary>The connection-level receive window may grow (auto-tuning) up to this. Default 24 MiB. Not used by the msquic engine, which tunes its own.</summary>
    public long MaxConnectionReceiveWindow { get; set; } = 24 << 20;

    /// <summary>The per-stream receive window we start with (initial_max_stream_data_*). Default 512 KiB. A power of two up to 2^30 on the msquic engine.</summary>
    public long InitialStreamReceiveWindow { get; set; } = 512 << 10;

    /// <summary>A stream's receive window may grow (auto-tuning) up to this. Default 16 MiB. Not used by the msquic engine, which tunes its own.</summary>
    public long MaxStreamReceiveWindow { get; set; } = 16 << 20;

    /// <summary>
    /// Accept DATAGRAM frames from the peer (RFC 9221: advertises max_datagram_frame_size). Default
    /// true. Sending datagrams depends on the peer's setting, not on this one. Not used by the msquic
    /// engine, which never advertises datagrams.
    /// </summary>
    public bool DatagramReceiveEnabled { get; set; } = true;

    /// <summary>
    /// The TLS 1.3 cipher suites allowed, in preference order; null (the default) allows
    /// TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384 and TLS_CHACHA20_POLY1305_SHA256. The msquic
    /// engine takes them as a set (its own order applies) and cannot restrict them on Windows.
    /// </summary>
    public IReadOnlyList<TlsCipherSuite>? CipherSuites { get; set; }

    /// <summary>
    /// Where qlog traces of each connection are written (one JSON-SEQ file per connection). Default:
    /// the QLOGDIR environment variable; null or empty writes none. Not used by the msquic engine.
    /// </summary>
    public string? QlogDirectory { get; set; } = Environment.GetEnvironmentVariable("QLOGDIR");

    /// <summary>
    /// A file that TLS secrets are appended to in the NSS key-log format, so Wireshark or tshark can
    /// decrypt captures. Default: the SSLKEYLOGFILE environment variable; null or empty writes none.
    /// Anyone who can read the file can decrypt the traffic: use it for debugging only. Not used by
    /// the msquic engine.
    /// </summary>
    public string? KeyLogFilePath { get; set; } = Environment.GetEnvironmentVariable("SSLKEYLOGFILE");

    /// <summary>Logging for the connection's diagnostics; null logs nothing. Not used by the msquic engine.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates the meters of the connection's metrics; null uses the process-wide meters. Not used by the msquic engine.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// The clock for every timer (timeouts, loss detection, pacing) and for certificate validity.
    /// Default <see cref="TimeProvider.System"/>, the only one on the msquic engine (msquic keeps its own time).
    /// </summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Creates each connection's protocol tracers (qlog, metrics); null uses the built-in default.</summary>
    internal IConnectionTracerFactory? TracerFactory { get; set; }
}
