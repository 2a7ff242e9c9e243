using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// A tracer whose target is set after the connection exists: an outgoing connection's original
/// Destination Connection ID (the qlog group id) is chosen inside the core when it is created, so
/// the real tracers are made just after and attached here before the first packet is sent.
/// </summary>
internal sealed class ForwardingConnectionTracer : IConnectionTracer
{
    private IConnectionTracer _target = NullConnectionTracer.Instance;

    /// <summary>Where events go; set once, by the thread that created the connection, before its worker runs.</summary>
    public IConnectionTracer Target
    {
        get => Volatile.Read(ref _target);
        set => Volatile.Write(ref _target, value ?? NullConnectionTracer.Instance);
    }

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) =>
        Target.OnPacketSent(now, space, packetNumber, size, frames);

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size) =>
        Target.OnPacketReceived(now, space, packetNumber, size);

    public void OnPacketDropped(Instant now, int size, string reason) => Target.OnPacketDropped(now, size, reason);

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size) =>
        Target.OnPacketLost(now, space, packetNumber, size);

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight) =>
        Target.OnMetricsUpdated(now, rtt, congestionWindow, bytesInFlight);

    public void OnStateChanged(Instant now, ConnectionState state) => Target.OnStateChanged(now, state);

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) =>
        Target.OnSecret(label, clientRandom, secret);

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote) => Target.OnPathChanged(now, local, remote);
}
