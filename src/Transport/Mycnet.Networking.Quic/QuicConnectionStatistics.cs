using System.Net;

namespace Mycnet.Networking.Quic;

/// <summary>
/// A snapshot of a connection's counters and of its current path's recovery state, from
/// <see cref="QuicConnection.GetStatistics"/>. The snapshot is taken by the connection's worker
/// after it last ran, so it lags the wire by at most one batch of work.
/// </summary>
public sealed class QuicConnectionStatistics
{
    internal QuicConnectionStatistics()
    {
    }

    /// <summary>The smallest RTT sample on the current path (RFC 9002 §5.2); zero before the first sample.</summary>
    public TimeSpan MinRtt { get; init; }

    /// <summary>The smoothed RTT on the current path (RFC 9002 §5.3).</summary>
    public TimeSpan SmoothedRtt { get; init; }

    /// <summary>The RTT variation on the current path (RFC 9002 §5.3).</summary>
    public TimeSpan RttVariance { get; init; }

    /// <summary>The latest RTT sample on the current path.</summary>
    public TimeSpan LatestRtt { get; init; }

    /// <summary>The congestion window of the current path, in bytes.</summary>
    public long CongestionWindow { get; init; }

    /// <summary>Bytes sent and not yet acknowledged or declared lost.</summary>
    public long BytesInFlight { get; init; }

    /// <summary>UDP payload bytes sent.</summary>
    public long BytesSent { get; init; }

    /// <summary>UDP payload bytes received.</summary>
    public long BytesReceived { get; init; }

    /// <summary>QUIC packets sent.</summary>
    public long PacketsSent { get; init; }

    /// <summary>QUIC packets received and authenticated.</summary>
    public long PacketsReceived { get; init; }

    /// <summary>QUIC packets declared lost (RFC 9002 §6.1).</summary>
    public long PacketsLost { get; init; }

    /// <summary>UDP datagrams sent.</summary>
    public long UdpDatagramsSent { get; init; }

    /// <summary>
    /// Transmits handed to the socket: one UDP send call each, carrying one datagram or, with GSO,
    /// a batch of them (<see cref="UdpDatagramsSent"/> / <see cref="UdpSendCalls"/> is the batch size).
    /// </summary>
    public long UdpSendCalls { get; init; }

    /// <summary>DATAGRAM frames received (RFC 9221).</summary>
    public long DatagramsReceived { get; init; }

    /// <summary>1-RTT key updates so far, either side initiating (RFC 9001 §6).</summary>
    public int KeyUpdates { get; init; }

    /// <summary>The largest UDP payload the current path carries (after path MTU discovery).</summary>
    public int PathMaxDatagramSize { get; init; }

    /// <summary>The current path's local address.</summary>
    public IPEndPoint? LocalEndPoint { get; init; }

    /// <summary>The current path's remote address.</summary>
    public IPEndPoint? RemoteEndPoint { get; init; }
}
