using System.Net;

namespace Mycnet.Networking.Quic.Core;

/// <summary>A snapshot of a connection's counters and its current path's recovery state.</summary>
internal readonly record struct ConnectionStats
{
    public TimeSpan MinRtt { get; init; }

    public TimeSpan SmoothedRtt { get; init; }

    public TimeSpan RttVariance { get; init; }

    public TimeSpan LatestRtt { get; init; }

    public long CongestionWindow { get; init; }

    public long BytesInFlight { get; init; }

    public long BytesSent { get; init; }

    public long BytesReceived { get; init; }

    public long PacketsSent { get; init; }

    public long PacketsReceived { get; init; }

    public long PacketsLost { get; init; }

    public long DatagramsSent { get; init; }

    public long DatagramsReceived { get; init; }

    public long StreamBytesSent { get; init; }

    public long StreamBytesReceived { get; init; }

    public int KeyUpdates { get; init; }

    public int MaxDatagramSize { get; init; }

    public IPEndPoint? LocalEndPoint { get; init; }

    public IPEndPoint? RemoteEndPoint { get; init; }
}
