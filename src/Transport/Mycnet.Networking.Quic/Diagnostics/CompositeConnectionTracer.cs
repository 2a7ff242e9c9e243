using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// Fans every tracer call out to several tracers (qlog, metrics, key log), in order. Disposing it
/// disposes the tracers that are disposable.
/// </summary>
internal sealed class CompositeConnectionTracer : IConnectionTracer, IDisposable
{
    private readonly IConnectionTracer[] _tracers;

    private CompositeConnectionTracer(IConnectionTracer[] tracers)
    {
        _tracers = tracers;
    }

    /// <summary>The tracers called, in order.</summary>
    public IReadOnlyList<IConnectionTracer> Tracers => _tracers;

    /// <summary>
    /// One tracer for the non-null ones given: <see cref="NullConnectionTracer.Instance"/> for none,
    /// the tracer itself for one, a composite for more.
    /// </summary>
    public static IConnectionTracer Create(params ReadOnlySpan<IConnectionTracer?> tracers)
    {
        int count = 0;
        foreach (IConnectionTracer? tracer in tracers)
        {
            if (tracer is not null && tracer is not NullConnectionTracer)
            {
                count++;
            }
        }

        if (count == 0)
        {
            return NullConnectionTracer.Instance;
        }

        var list = new IConnectionTracer[count];
        int i = 0;
        foreach (IConnectionTracer? tracer in tracers)
        {
            if (tracer is not null && tracer is not NullConnectionTracer)
            {
                list[i++] = tracer;
            }
        }

        return count == 1 ? list[0] : new CompositeConnectionTracer(list);
    }

    public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnConnectionStarted(now, isServer, originalDestinationConnectionId, localConnectionId, peerConnectionId, local, remote);
        }
    }

    public void OnParametersSet(Instant now, bool isLocal, TransportParameters parameters)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnParametersSet(now, isLocal, parameters);
        }
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

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketReceived(now, space, packetNumber, size, header, payload);
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

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnPacketLost(now, space, packetNumber, size, frames);
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

    public void OnKeyUpdated(Instant now, long keyPhase, bool isLocal)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnKeyUpdated(now, keyPhase, isLocal);
        }
    }

    public void OnConnectionClosed(Instant now, ConnectionCloseInfo info)
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            tracer.OnConnectionClosed(now, info);
        }
    }

    public void Dispose()
    {
        foreach (IConnectionTracer tracer in _tracers)
        {
            (tracer as IDisposable)?.Dispose();
        }
    }
}
