using System.Diagnostics.Metrics;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Diagnostics;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>The metrics instruments, observed with a <see cref="MeterListener"/> while simulated connections run.</summary>
public sealed class QuicMetricsTests
{
    [Fact]
    public void Metrics_SimulatedConnection_MovesEveryInstrument()
    {
        using var metrics = new QuicMetrics(new TestMeterFactory());
        using var recorder = new MetricsRecorder(metrics);
        var pair = new DiagnosticsSimPair(seed: 41, (isServer, _) => metrics.CreateTracer(isServer));

        var transfer = pair.Transfer(metrics.CreateTracer(isServer: false), streams: 1, 256 * 1024, TimeSpan.FromSeconds(30));
        Assert.True(transfer.Completed);
        Connection client = pair.Client.Connections[0];
        Connection server = pair.ServerConnection!;
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.opened", "client"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.opened", "server"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.active", "client"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.handshakes.completed", "client"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.handshakes.completed", "server"));

        pair.CloseAndTerminate(client, server, 0, "bye");
        ConnectionStats clientStats = client.GetStats();
        ConnectionStats serverStats = server.GetStats();

        // Up and down again; closed once each, tagged with who closed.
        Assert.Equal(0, recorder.Sum("mycnet.quic.connections.active", "client"));
        Assert.Equal(0, recorder.Sum("mycnet.quic.connections.active", "server"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.closed", "client", "local"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.closed", "server", "peer"));
        Assert.Equal(0, recorder.Sum("mycnet.quic.handshakes.failed", "client"));

        // Packets and bytes agree with the connections' own counters once they have ended.
        Assert.Equal(clientStats.PacketsSent, recorder.Sum("mycnet.quic.packets.sent", "client"));
        Assert.Equal(clientStats.PacketsReceived, recorder.Sum("mycnet.quic.packets.received", "client"));
        Assert.Equal(serverStats.PacketsSent, recorder.Sum("mycnet.quic.packets.sent", "server"));
        Assert.Equal(clientStats.BytesSent, recorder.Sum("mycnet.quic.bytes.sent", "client"));
        Assert.Equal(serverStats.BytesSent, recorder.Sum("mycnet.quic.bytes.sent", "server"));
        long received = recorder.Sum("mycnet.quic.bytes.received", "server");
        Assert.InRange(received, 256 * 1024, serverStats.BytesReceived);

        // Handshake duration and RTT in seconds: a 10 ms link is a 20 ms round trip.
        double[] handshakes = recorder.Values("mycnet.quic.handshake.duration");
        Assert.Equal(2, handshakes.Length);
        Assert.All(handshakes, d => Assert.InRange(d, 0.019, 1.0));
        double[] rtts = recorder.Values("mycnet.quic.rtt");
        Assert.NotEmpty(rtts);
        Assert.All(rtts, r => Assert.InRange(r, 0.019, 0.5));
    }

    [Fact]
    public void Metrics_LossyLink_CountsLostPackets()
    {
        using var metrics = new QuicMetrics(new TestMeterFactory());
        using var recorder = new MetricsRecorder(metrics);
        var pair = new DiagnosticsSimPair(seed: 42, (isServer, _) => metrics.CreateTracer(isServer), new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), LossProbability = 0.05 });

        pair.Transfer(metrics.CreateTracer(isServer: false), streams: 1, 512 * 1024, TimeSpan.FromSeconds(60));
        Connection client = pair.Client.Connections[0];
        Assert.True(client.GetStats().PacketsLost > 0);
        Assert.Equal(client.GetStats().PacketsLost, recorder.Sum("mycnet.quic.packets.lost", "client"));
        Assert.Equal(pair.ServerConnection!.GetStats().PacketsLost, recorder.Sum("mycnet.quic.packets.lost", "server"));
    }

    [Fact]
    public void Metrics_UnreachableServer_CountsAFailedHandshake()
    {
        using var metrics = new QuicMetrics(new TestMeterFactory());
        using var recorder = new MetricsRecorder(metrics);
        var pair = new DiagnosticsSimPair(seed: 43, (isServer, _) => metrics.CreateTracer(isServer), new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), LossProbability = 1.0 });

        Connection client = pair.Connect(metrics.CreateTracer(isServer: false), new TransportSettings { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        pair.RunUntil(() => client.State == ConnectionState.Terminated, TimeSpan.FromSeconds(10), "handshake timeout");

        Assert.Equal(1, recorder.Sum("mycnet.quic.handshakes.failed", "client", "handshake_timeout"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.closed", "client", "handshake_timeout"));
        Assert.Equal(0, recorder.Sum("mycnet.quic.handshakes.completed", "client"));
        Assert.Equal(0, recorder.Sum("mycnet.quic.connections.active", "client"));
        Assert.Empty(recorder.Values("mycnet.quic.handshake.duration"));
    }

    [Fact]
    public void Metrics_AbandonedConnection_LeavesActiveConnectionsWhenDisposed()
    {
        using var metrics = new QuicMetrics(new TestMeterFactory());
        using var recorder = new MetricsRecorder(metrics);
        var endPoint = new IPEndPoint(IPAddress.Loopback, 1);
        using (MetricsConnectionTracer tracer = metrics.CreateTracer(isServer: true))
        {
            tracer.OnConnectionStarted(Instant.Zero, true, new ConnectionId([1]), new ConnectionId([2]), new ConnectionId([3]), endPoint, endPoint);
            tracer.OnPacketSent(Instant.Zero, PacketNumberSpace.Initial, 0, 1200, default);
            Assert.Equal(1, recorder.Sum("mycnet.quic.connections.active", "server"));

            // Below the batch size nothing is published yet.
            Assert.Equal(0, recorder.Sum("mycnet.quic.packets.sent", "server"));
        }

        Assert.Equal(0, recorder.Sum("mycnet.quic.connections.active", "server"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.connections.closed", "server", "abandoned"));
        Assert.Equal(1, recorder.Sum("mycnet.quic.packets.sent", "server"));
        Assert.Equal(1200, recorder.Sum("mycnet.quic.bytes.sent", "server"));
    }

    [Fact]
    public void Metrics_MeterFactory_CreatesTheMeterByName()
    {
        var factory = new TestMeterFactory();
        using var metrics = new QuicMetrics(factory);
        Assert.Same(factory.Created.Single(), metrics.Meter);
        Assert.Equal("Mycnet.Networking.Quic", metrics.Meter.Name);
        Assert.Equal("Mycnet.Networking.Quic", QuicMetrics.Shared.Meter.Name);
    }

    /// <summary>A meter factory that hands out fresh meters, so tests do not see each other's measurements.</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (Meter meter in Created)
            {
                meter.Dispose();
            }
        }
    }

    /// <summary>Records every measurement of one <see cref="QuicMetrics"/> instance, with its tags.</summary>
    private sealed class MetricsRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, double Value, string? Role, string? Reason)> _measurements = [];

        public MetricsRecorder(QuicMetrics metrics)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter == metrics.Meter)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public long Sum(string instrument, string role, string? reason = null)
        {
            lock (_measurements)
            {
                return (long)_measurements.Where(m => m.Instrument == instrument && m.Role == role && (reason is null || m.Reason == reason)).Sum(m => m.Value);
            }
        }

        public double[] Values(string instrument)
        {
            lock (_measurements)
            {
                return [.. _measurements.Where(m => m.Instrument == instrument).Select(m => m.Value)];
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? role = null;
            string? reason = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == QuicMetrics.RoleTag)
                {
                    role = (string?)tag.Value;
                }
                else if (tag.Key == QuicMetrics.CloseReasonTag)
                {
                    reason = (string?)tag.Value;
                }
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, role, reason));
            }
        }
    }
}
