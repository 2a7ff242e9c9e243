using System.Diagnostics.Metrics;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Diagnostics;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>The composite tracer and the per-connection factory the driver calls.</summary>
public sealed class QuicDiagnosticsTests
{
    [Fact]
    public void Composite_Create_CollapsesNullsAndSingleTracers()
    {
        var recorder = new RecordingTracer();
        Assert.Same(NullConnectionTracer.Instance, CompositeConnectionTracer.Create());
        Assert.Same(NullConnectionTracer.Instance, CompositeConnectionTracer.Create(null, NullConnectionTracer.Instance));
        Assert.Same(recorder, CompositeConnectionTracer.Create(null, recorder, NullConnectionTracer.Instance));
        var composite = Assert.IsType<CompositeConnectionTracer>(CompositeConnectionTracer.Create(recorder, null, new RecordingTracer()));
        Assert.Equal(2, composite.Tracers.Count);
    }

    [Fact]
    public void Composite_ForwardsEveryCallToEveryTracerInOrder()
    {
        var first = new RecordingTracer();
        var second = new RecordingTracer();
        IConnectionTracer composite = CompositeConnectionTracer.Create(first, second);
        CallEveryMember(composite);
        ((IDisposable)composite).Dispose();

        string[] expected =
        [
            "started", "parameters", "sent", "received", "received+payload", "dropped", "lost", "lost+frames",
            "metrics", "state", "secret", "path", "key", "closed", "disposed",
        ];
        Assert.Equal(expected, first.Calls);
        Assert.Equal(expected, second.Calls);
    }

    [Fact]
    public void Composite_TracerWithOnlyTheOriginalMembers_GetsTheShortFormsByDefault()
    {
        // A tracer written against the original seam (the key log, say) still sees received and lost packets.
        var legacy = new LegacyTracer();
        IConnectionTracer composite = CompositeConnectionTracer.Create(legacy, new RecordingTracer());
        CallEveryMember(composite);
        Assert.Equal(["sent", "received", "received", "dropped", "lost", "lost", "metrics", "state", "secret", "path"], legacy.Calls);
    }

    [Fact]
    public async Task Diagnostics_EverythingOff_CreatesTheNullTracer()
    {
        await using var diagnostics = new QuicDiagnostics(new QuicDiagnosticsOptions { EnableMetrics = false });
        Assert.False(diagnostics.IsEnabled);
        Assert.Same(NullConnectionTracer.Instance, diagnostics.CreateTracer(isServer: true));
    }

    [Fact]
    public async Task Diagnostics_EndpointConnection_FeedsQlogMetricsAndTheAdditionalTracer()
    {
        var capture = new QlogCapture();
        var keyLogs = new List<RecordingTracer>();
        using var meterFactory = new SingleMeterFactory();
        var options = new QuicDiagnosticsOptions
        {
            Qlog = QlogCapture.Options(capture),
            MeterFactory = meterFactory,
            AdditionalTracerFactory = _ =>
            {
                var tracer = new RecordingTracer();
                keyLogs.Add(tracer);
                return tracer;
            },
        };

        long opened = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meterFactory.Meter && instrument.Name == "mycnet.quic.connections.opened")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref opened, value));
        listener.Start();

        var diagnostics = new QuicDiagnostics(options);
        await using (diagnostics)
        {
            // The driver's wiring: the factory for accepted connections, CreateTracer for outgoing ones.
            var pair = new DiagnosticsSimPair(seed: 51, diagnostics.CreateTracer);
            (Connection client, Connection server) = pair.Handshake(diagnostics.CreateTracer(isServer: false));
            pair.CloseAndTerminate(client, server, 0, "bye");
            await diagnostics.FlushAsync();

            string odcid = client.OriginalDestinationConnectionId.ToString();
            QlogFile clientLog = QlogFile.Parse(capture.Single($"/{odcid}_client.sqlog"));
            QlogFile serverLog = QlogFile.Parse(capture.Single($"/{odcid}_server.sqlog"));
            Assert.Equal(client.GetStats().PacketsSent, clientLog.Count("quic:packet_sent"));
            Assert.Equal(server.GetStats().PacketsReceived, serverLog.Count("quic:packet_received"));
        }

        Assert.Equal(2, Interlocked.Read(ref opened));

        // The key log tracer of each side saw the four TLS traffic secrets.
        Assert.Equal(2, keyLogs.Count);
        Assert.All(keyLogs, k => Assert.Equal(4, k.Calls.Count(c => c == "secret")));
    }

    private static void CallEveryMember(IConnectionTracer tracer)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, 443);
        var cid = new ConnectionId([1, 2, 3, 4]);
        SentFrame[] frames = [SentFrame.Ping()];
        byte[] payload = [0x01];
        tracer.OnConnectionStarted(Instant.Zero, false, cid, cid, cid, endPoint, endPoint);
        tracer.OnParametersSet(Instant.Zero, true, new Mycnet.Networking.Quic.Core.Wire.TransportParameters());
        tracer.OnPacketSent(Instant.Zero, PacketNumberSpace.Initial, 0, 1200, frames);
        tracer.OnPacketReceived(Instant.Zero, PacketNumberSpace.Initial, 0, 1200);
        tracer.OnPacketReceived(Instant.Zero, PacketNumberSpace.Initial, 1, 1200, [0xc0], payload);
        tracer.OnPacketDropped(Instant.Zero, 1200, "duplicate");
        tracer.OnPacketLost(Instant.Zero, PacketNumberSpace.Initial, 0, 1200);
        tracer.OnPacketLost(Instant.Zero, PacketNumberSpace.Initial, 0, 1200, frames);
        tracer.OnMetricsUpdated(Instant.Zero, new RttEstimator(), 12000, 1200);
        tracer.OnStateChanged(Instant.Zero, ConnectionState.Established);
        tracer.OnSecret("CLIENT_TRAFFIC_SECRET_0", new byte[32], new byte[32]);
        tracer.OnPathChanged(Instant.Zero, endPoint, endPoint);
        tracer.OnKeyUpdated(Instant.Zero, 1, isLocal: true);
        tracer.OnConnectionClosed(Instant.Zero, new ConnectionCloseInfo(CloseReason.LocallyClosed, true, 0, 0, string.Empty));
    }

    /// <summary>Implements only the original members; the rest come from the interface's defaults.</summary>
    private sealed class LegacyTracer : IConnectionTracer
    {
        public List<string> Calls { get; } = [];

        public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) => Calls.Add("sent");

        public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size) => Calls.Add("received");

        public void OnPacketDropped(Instant now, int size, string reason) => Calls.Add("dropped");

        public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size) => Calls.Add("lost");

        public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight) => Calls.Add("metrics");

        public void OnStateChanged(Instant now, ConnectionState state) => Calls.Add("state");

        public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) => Calls.Add("secret");

        public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote) => Calls.Add("path");
    }

    private sealed class SingleMeterFactory : IMeterFactory
    {
        public Meter? Meter { get; private set; }

        public Meter Create(MeterOptions options) => Meter ??= new Meter(options);

        public void Dispose() => Meter?.Dispose();
    }
}

/// <summary>Records the name of every tracer call.</summary>
internal sealed class RecordingTracer : IConnectionTracer, IDisposable
{
    public List<string> Calls { get; } = [];

    public void OnConnectionStarted(Instant now, bool isServer, ConnectionId originalDestinationConnectionId, ConnectionId localConnectionId, ConnectionId peerConnectionId, IPEndPoint local, IPEndPoint remote) => Calls.Add("started");

    public void OnParametersSet(Instant now, bool isLocal, Mycnet.Networking.Quic.Core.Wire.TransportParameters parameters) => Calls.Add("parameters");

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) => Calls.Add("sent");

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size) => Calls.Add("received");

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) => Calls.Add("received+payload");

    public void OnPacketDropped(Instant now, int size, string reason) => Calls.Add("dropped");

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size) => Calls.Add("lost");

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames) => Calls.Add("lost+frames");

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight) => Calls.Add("metrics");

    public void OnStateChanged(Instant now, ConnectionState state) => Calls.Add("state");

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) => Calls.Add("secret");

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote) => Calls.Add("path");

    public void OnKeyUpdated(Instant now, long keyPhase, bool isLocal) => Calls.Add("key");

    public void OnConnectionClosed(Instant now, ConnectionCloseInfo info) => Calls.Add("closed");

    public void Dispose() => Calls.Add("disposed");
}
