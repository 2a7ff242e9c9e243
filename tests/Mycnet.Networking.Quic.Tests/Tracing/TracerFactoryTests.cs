using System.Collections.Concurrent;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Tracing;

namespace Mycnet.Networking.Quic.Tests.Tracing;

/// <summary>The diagnostics seam: the driver asks the options' tracer factory for each connection's tracer.</summary>
public sealed class TracerFactoryTests
{
    [Fact]
    public async Task TracerFactory_IsAskedOncePerConnection_AndItsTracerSeesTheTraffic()
    {
        var factory = new RecordingFactory();
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.TracerFactory = factory);
        (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, o => o.TracerFactory = factory);
        await QuicConnectionTests.AssertEchoAsync(client, server);
        await client.DisposeAsync();
        await server.DisposeAsync();

        Assert.Equal(2, factory.Tracers.Count);
        RecordingTracer clientTracer = Assert.Single(factory.Tracers, t => !t.Context.IsServer);
        RecordingTracer serverTracer = Assert.Single(factory.Tracers, t => t.Context.IsServer);
        // A client's original DCID is chosen inside the core, so it arrives with the first trace event.
        Assert.Equal(clientTracer.StartedOriginalDcid, serverTracer.Context.OriginalDestinationConnectionId);
        Assert.Equal(serverTracer.StartedOriginalDcid, serverTracer.Context.OriginalDestinationConnectionId);
        Assert.True(clientTracer.PacketsSent > 0 && clientTracer.PacketsReceived > 0);
        Assert.True(serverTracer.PacketsSent > 0 && serverTracer.PacketsReceived > 0);
        Assert.Contains(ConnectionState.Established, clientTracer.States);
        Assert.Equal(4, clientTracer.Secrets);
    }

    private sealed class RecordingFactory : IConnectionTracerFactory
    {
        public ConcurrentBag<RecordingTracer> Tracers { get; } = [];

        public IConnectionTracer? Create(in ConnectionTracerContext context)
        {
            var tracer = new RecordingTracer(context);
            Tracers.Add(tracer);
            return tracer;
        }
    }

    private sealed class RecordingTracer(ConnectionTracerContext context) : IConnectionTracer
    {
        public ConnectionTracerContext Context { get; } = context;

        public int PacketsSent { get; private set; }

        public ConnectionId StartedOriginalDcid { get; private set; }

        public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote) =>
            StartedOriginalDcid = originalDestinationConnectionId;

        public int PacketsReceived { get; private set; }

        public int Secrets { get; private set; }

        public List<ConnectionState> States { get; } = [];

        public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) => PacketsSent++;

        public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size) => PacketsReceived++;

        public void OnPacketDropped(Instant now, int size, string reason)
        {
        }

        public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
        {
        }

        public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
        {
        }

        public void OnStateChanged(Instant now, ConnectionState state) => States.Add(state);

        public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) => Secrets++;

        public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
        {
        }
    }
}
