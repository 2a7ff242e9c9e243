using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>Passes every trace event to several tracers, in order.</summary>
internal sealed class CompositeConnectionTracer : IConnectionTracer
{
    private readonly IConnectionTracer[] _tracers;

    private CompositeConnectionTracer(IConnectionTracer[] tracers) => _tracers = tracers;

    /// <summary>Null for no tracer, the tracer itself for one, a composite for more.</summary>
    public static IConnectionTracer? Combine(IConnectionTracer? first, IConnectionTracer? second)
    {
        if (first is null)
        {
            return second;
        }

        return second is null ? first : new CompositeConnectionTracer([first, second]);
    }

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketSent(now, space, packetNumber, size, frames);
        }
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketReceived(now, space, packetNumber, size);
        }
    }

    public void OnPacketDropped(Instant now, int size, string reason)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketDropped(now, size, reason);
        }
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketLost(now, space, packetNumber, size);
        }
    }

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnMetricsUpdated(now, rtt, congestionWindow, bytesInFlight);
        }
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnStateChanged(now, state);
        }
    }

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnSecret(label, clientRandom, secret);
        }
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPathChanged(now, local, remote);
        }
    }
}
