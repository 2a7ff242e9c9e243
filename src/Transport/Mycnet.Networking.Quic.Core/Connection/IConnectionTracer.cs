using System.Net;
using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// Observes a connection's protocol events as they happen, for qlog, key logs and metrics. The
/// core calls it synchronously from its inputs; an implementation must be cheap and must not call
/// back into the connection. The default does nothing.
/// </summary>
internal interface IConnectionTracer
{
    /// <summary>A packet was sent: its space, number, size, and the frames it carried.</summary>
    void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames);

    /// <summary>A packet was received and authenticated.</summary>
    void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size);

    /// <summary>A datagram or packet was dropped before it could be processed, with why.</summary>
    void OnPacketDropped(Instant now, int size, string reason);

    /// <summary>A sent packet was declared lost.</summary>
    void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size);

    /// <summary>Recovery state after a change: RTTs, window, bytes in flight.</summary>
    void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight);

    /// <summary>The connection changed state.</summary>
    void OnStateChanged(Instant now, ConnectionState state);

    /// <summary>A TLS traffic secret was derived (for SSLKEYLOGFILE: <c>label client_random secret</c>).</summary>
    void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret);

    /// <summary>The active path changed.</summary>
    void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote);
}

/// <summary>The tracer that records nothing.</summary>
internal sealed class NullConnectionTracer : IConnectionTracer
{
    public static readonly NullConnectionTracer Instance = new();

    private NullConnectionTracer()
    {
    }

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
    }

    public void OnPacketDropped(Instant now, int size, string reason)
    {
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
    }

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
    }

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
    }
}
