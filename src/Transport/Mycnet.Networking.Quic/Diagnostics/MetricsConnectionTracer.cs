using System.Diagnostics;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// Feeds <see cref="QuicMetrics"/> from one connection.
/// </summary>
/// <remarks>
/// Design: connection-level events (start, handshake, close) are recorded as they happen. Per-packet
/// byte and packet counts are summed in plain fields (the tracer runs on the connection's single
/// worker) and added to the shared counters every <see cref="PacketBatch"/> packets, at most every
/// <see cref="FlushInterval"/> of connection time on a recovery update, and when the connection
/// closes, so a busy connection does not touch the instruments per packet.
/// </remarks>
internal sealed class MetricsConnectionTracer : IConnectionTracer, IDisposable
{
    /// <summary>Packets summed locally before the counters are updated.</summary>
    public const int PacketBatch = 64;

    /// <summary>Connection time after which a recovery update publishes the local sums.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    private readonly QuicMetrics _metrics;
    private readonly KeyValuePair<string, object?> _role;
    private Instant _start;
    private Instant _lastFlush;
    private bool _started;
    private bool _established;
    private bool _closed;
    private bool _ended;
    private long _bytesSent;
    private long _bytesReceived;
    private long _packetsSent;
    private long _packetsReceived;
    private TimeSpan _lastLatestRtt = TimeSpan.MinValue;
    private TimeSpan _lastSmoothedRtt = TimeSpan.MinValue;

    public MetricsConnectionTracer(QuicMetrics metrics, bool isServer)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _metrics = metrics;
        IsServer = isServer;
        _role = new KeyValuePair<string, object?>(QuicMetrics.RoleTag, QuicMetrics.Role(isServer));
    }

    public bool IsServer { get; }

    public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote) =>
        EnsureStarted(now);

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
        _bytesSent += size;
        if (++_packetsSent + _packetsReceived >= PacketBatch)
        {
            Flush(now);
        }
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
        _bytesReceived += size;
        if (_packetsSent + ++_packetsReceived >= PacketBatch)
        {
            Flush(now);
        }
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        OnPacketReceived(now, space, packetNumber, size);

    public void OnPacketDropped(Instant now, int size, string reason)
    {
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size) =>
        _metrics.PacketsLost.Add(1, _role);

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) =>
        _metrics.PacketsLost.Add(1, _role);

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
        ArgumentNullException.ThrowIfNull(rtt);
        if (rtt.HasSample && (rtt.LatestRtt != _lastLatestRtt || rtt.SmoothedRtt != _lastSmoothedRtt))
        {
            _lastLatestRtt = rtt.LatestRtt;
            _lastSmoothedRtt = rtt.SmoothedRtt;
            _metrics.Rtt.Record(rtt.SmoothedRtt.TotalSeconds, _role);
        }

        if (now - _lastFlush >= FlushInterval)
        {
            Flush(now);
        }
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
        switch (state)
        {
            case ConnectionState.Established when !_established:
                _established = true;
                EnsureStarted(now);
                _metrics.HandshakesCompleted.Add(1, _role);
                _metrics.HandshakeDuration.Record((now - _start).TotalSeconds, _role);
                break;
            case ConnectionState.Terminated:
                End(now);
                break;
        }
    }

    public void OnConnectionClosed(Instant now, ConnectionCloseInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        RecordClose(QuicMetrics.CloseReasonName(info.Reason));
    }

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
    }

    /// <summary>Ends the connection's measurements if it did not terminate (the driver abandoned it).</summary>
    public void Dispose() => End(_lastFlush);

    private void EnsureStarted(Instant now)
    {
        if (_started)
        {
            return;
        }

        _started = true;
        _start = now;
        _lastFlush = now;
        _metrics.ConnectionsOpened.Add(1, _role);
        _metrics.ActiveConnections.Add(1, _role);
    }

    private void RecordClose(string reason)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        var tags = new TagList { _role, { QuicMetrics.CloseReasonTag, reason } };
        _metrics.ConnectionsClosed.Add(1, in tags);
        if (!_established)
        {
            _metrics.HandshakesFailed.Add(1, in tags);
        }
    }

    private void End(Instant now)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        Flush(now);
        if (_started)
        {
            RecordClose("abandoned");
            _metrics.ActiveConnections.Add(-1, _role);
        }
    }

    private void Flush(Instant now)
    {
        _lastFlush = now;
        if (_packetsSent > 0)
        {
            _metrics.PacketsSent.Add(_packetsSent, _role);
            _metrics.BytesSent.Add(_bytesSent, _role);
            _packetsSent = 0;
            _bytesSent = 0;
        }

        if (_packetsReceived > 0)
        {
            _metrics.PacketsReceived.Add(_packetsReceived, _role);
            _metrics.BytesReceived.Add(_bytesReceived, _role);
            _packetsReceived = 0;
            _bytesReceived = 0;
        }
    }
}
