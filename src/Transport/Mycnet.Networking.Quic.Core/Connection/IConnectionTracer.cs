using System.Net;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

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

    // The members below have default bodies so that existing tracers keep compiling; the core
    // calls these richer forms (qlog needs them), and the defaults forward to the plain ones.

    /// <summary>
    /// The connection was created. Called once, before any other member: the role, the client's
    /// original Destination Connection ID, the handshake connection IDs (ours and the peer's) and
    /// the first path.
    /// </summary>
    void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote)
    {
    }

    /// <summary>
    /// A packet was received and authenticated: its unprotected header bytes and its decrypted
    /// payload (the frames), valid only during the call. The default forwards to the short form.
    /// </summary>
    void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        OnPacketReceived(now, space, packetNumber, size);

    /// <summary>A sent packet was declared lost, with the frames it carried. The default forwards to the short form.</summary>
    void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) =>
        OnPacketLost(now, space, packetNumber, size);

    /// <summary>Transport parameters took effect: ours at creation, the peer's when the handshake delivers them.</summary>
    void OnParametersSet(Instant now, bool isLocal, TransportParameters parameters)
    {
    }

    /// <summary>The 1-RTT keys moved to key phase <paramref name="keyPhase"/> (RFC 9001 §6), initiated by this side or by the peer.</summary>
    void OnKeyUpdated(Instant now, long keyPhase, bool isLocal)
    {
    }

    /// <summary>The connection started closing, draining or ended (once): who and why.</summary>
    void OnConnectionClosed(Instant now, ConnectionCloseInfo info)
    {
    }
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

    public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote)
    {
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
    }

    public void OnParametersSet(Instant now, bool isLocal, TransportParameters parameters)
    {
    }

    public void OnKeyUpdated(Instant now, long keyPhase, bool isLocal)
    {
    }

    public void OnConnectionClosed(Instant now, ConnectionCloseInfo info)
    {
    }
}
