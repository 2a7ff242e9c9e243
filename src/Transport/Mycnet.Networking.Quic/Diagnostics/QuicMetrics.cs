using System.Diagnostics.Metrics;
using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// The QUIC engine's <see cref="System.Diagnostics.Metrics"/> instruments, under the meter
/// <see cref="MeterName"/>. Durations are in seconds and sizes in bytes (OpenTelemetry units);
/// every measurement carries <c>quic.role</c> = client | server.
/// </summary>
/// <remarks>
/// Instruments: <c>mycnet.quic.connections.opened</c> / <c>.closed</c> (closed also tagged with
/// <c>quic.close_reason</c>), <c>mycnet.quic.connections.active</c> (up-down),
/// <c>mycnet.quic.handshakes.completed</c> / <c>.failed</c> (failed tagged with the close reason),
/// <c>mycnet.quic.handshake.duration</c> (histogram), <c>mycnet.quic.bytes.sent</c> /
/// <c>.received</c> and <c>mycnet.quic.packets.sent</c> / <c>.received</c> / <c>.lost</c> (QUIC
/// packets, header and AEAD tag included), <c>mycnet.quic.rtt</c> (histogram of the smoothed RTT
/// at each new RTT sample). <see cref="MetricsConnectionTracer"/> feeds them from a connection.
/// </remarks>
internal sealed class QuicMetrics : IDisposable
{
    /// <summary>The meter's name, for <c>MeterListener</c> or OpenTelemetry's <c>AddMeter</c>.</summary>
    public const string MeterName = "Mycnet.Networking.Quic";

    public const string RoleTag = "quic.role";
    public const string CloseReasonTag = "quic.close_reason";

    private static readonly Lazy<QuicMetrics> SharedInstance = new(() => new QuicMetrics(null));

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public QuicMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            // The factory owns (and caches) the meter: one per name within a DI container.
            _meter = meterFactory.Create(new MeterOptions(MeterName));
        }

        ConnectionsOpened = _meter.CreateCounter<long>("mycnet.quic.connections.opened", "{connection}", "QUIC connections started (client) or accepted (server).");
        ConnectionsClosed = _meter.CreateCounter<long>("mycnet.quic.connections.closed", "{connection}", "QUIC connections closed, by close reason.");
        ActiveConnections = _meter.CreateUpDownCounter<long>("mycnet.quic.connections.active", "{connection}", "QUIC connections that have started and not yet ended.");
        HandshakesCompleted = _meter.CreateCounter<long>("mycnet.quic.handshakes.completed", "{handshake}", "QUIC handshakes that completed.");
        HandshakesFailed = _meter.CreateCounter<long>("mycnet.quic.handshakes.failed", "{handshake}", "QUIC connections that closed before their handshake completed.");
        HandshakeDuration = _meter.CreateHistogram(
            "mycnet.quic.handshake.duration",
            "s",
            "Time from a connection's start to handshake completion.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        BytesSent = _meter.CreateCounter<long>("mycnet.quic.bytes.sent", "By", "Bytes of QUIC packets sent.");
        BytesReceived = _meter.CreateCounter<long>("mycnet.quic.bytes.received", "By", "Bytes of authenticated QUIC packets received.");
        PacketsSent = _meter.CreateCounter<long>("mycnet.quic.packets.sent", "{packet}", "QUIC packets sent.");
        PacketsReceived = _meter.CreateCounter<long>("mycnet.quic.packets.received", "{packet}", "Authenticated QUIC packets received.");
        PacketsLost = _meter.CreateCounter<long>("mycnet.quic.packets.lost", "{packet}", "QUIC packets declared lost (RFC 9002 §6).");
        Rtt = _meter.CreateHistogram(
            "mycnet.quic.rtt",
            "s",
            "Smoothed round-trip time (RFC 9002 §5.3), sampled at each new RTT sample.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
    }

    /// <summary>The process-wide instance used when no <see cref="IMeterFactory"/> is given.</summary>
    public static QuicMetrics Shared => SharedInstance.Value;

    public Meter Meter => _meter;

    public Counter<long> ConnectionsOpened { get; }

    public Counter<long> ConnectionsClosed { get; }

    public UpDownCounter<long> ActiveConnections { get; }

    public Counter<long> HandshakesCompleted { get; }

    public Counter<long> HandshakesFailed { get; }

    public Histogram<double> HandshakeDuration { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> PacketsSent { get; }

    public Counter<long> PacketsReceived { get; }

    public Counter<long> PacketsLost { get; }

    public Histogram<double> Rtt { get; }

    /// <summary>The value of <see cref="RoleTag"/>.</summary>
    public static string Role(bool isServer) => isServer ? "server" : "client";

    /// <summary>The value of <see cref="CloseReasonTag"/>: a fixed, low-cardinality set.</summary>
    public static string CloseReasonName(CloseReason reason) => reason switch
    {
        CloseReason.LocallyClosed => "local",
        CloseReason.PeerClosed => "peer",
        CloseReason.IdleTimeout => "idle_timeout",
        CloseReason.HandshakeTimeout => "handshake_timeout",
        CloseReason.StatelessReset => "stateless_reset",
        CloseReason.VersionNegotiationFailed => "version_negotiation_failed",
        _ => "other",
    };

    /// <summary>Creates the per-connection tracer that feeds these instruments.</summary>
    public MetricsConnectionTracer CreateTracer(bool isServer) => new(this, isServer);

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
