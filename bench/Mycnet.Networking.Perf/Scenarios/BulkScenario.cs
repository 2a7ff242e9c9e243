using System.Buffers.Binary;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Mycnet.Networking.Perf.Quic;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// bulk: one stream carries N bytes, down (server to client, like ngtcp2's gtlsclient download) or
/// up; throughput in Gbit/s of the stream transfer on a fresh connection (slow start included,
/// handshake not).
/// </summary>
/// <remarks>
/// The clock starts before the stream is opened and stops when the client has read the FIN (down)
/// or the server's count of the bytes it received (up). Warm-up transfers of min(N, 64 MB) run on
/// a connection of their own first. Each measured run uses a new connection; the result is the
/// median run.
/// </remarks>
internal sealed class BulkScenario : QuicScenario
{
    private const long WarmupBytesCap = 64L * 1024 * 1024;
    private const int BufferSize = 256 * 1024;

    private readonly Option<long> _bytes = new("--bytes") { Description = "Bytes to transfer on the stream.", DefaultValueFactory = _ => 100_000_000 };
    private readonly Option<string> _direction = new("--direction") { Description = "down: the server sends (a download); up: the client sends.", DefaultValueFactory = _ => "down" };
    private readonly Option<int> _runs = new("--runs") { Description = "Measured transfers, each on a new connection; the median is reported.", DefaultValueFactory = _ => 3 };

    public override string Name => "bulk";

    protected override string Description => "Throughput of one stream carrying --bytes over loopback (Gbit/s). --warmup: warm-up transfers of min(bytes, 64 MB), default 1.";

    protected override void AddOptions(Command command)
    {
        _direction.AcceptOnlyFromAmong("down", "up");
        command.Add(_bytes);
        command.Add(_direction);
        command.Add(_runs);
    }

    protected override string? Check(ParseResult parse) =>
        parse.GetValue(_bytes) is < 1 or > (1L << 40) ? "--bytes must be 1 to 2^40"
        : parse.GetValue(_runs) is < 1 or > 100 ? "--runs must be 1 to 100"
        : null;

    protected override async Task<JsonObject> RunAsync(ParseResult parse, QuicPerfSettings settings, CancellationToken cancellationToken)
    {
        long bytes = parse.GetValue(_bytes);
        bool up = string.Equals(parse.GetValue(_direction), "up", StringComparison.Ordinal);
        int runs = parse.GetValue(_runs);
        int warmup = settings.Warmup ?? 1;
        byte[] buffer = new byte[BufferSize];

        PerfServerHost host = await PerfServerHost.StartAsync(settings, PerfServerConfig.DefaultMaxInboundBidirectionalStreams, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            if (warmup > 0)
            {
                long warmupBytes = Math.Min(bytes, WarmupBytesCap);
                QuicConnection warm = await QuicConnection.ConnectAsync(host.CreateClientOptions(), cancellationToken).ConfigureAwait(false);
                await using (warm.ConfigureAwait(false))
                {
                    for (int i = 0; i < warmup; i++)
                    {
                        TimeSpan t = await TransferAsync(warm, warmupBytes, up, buffer, cancellationToken).ConfigureAwait(false);
                        PerfScenarios.Progress(Format($"warm-up {i + 1}: {warmupBytes:N0} bytes {(up ? "up" : "down")} in {t.TotalMilliseconds:0.0} ms ({Gbps(warmupBytes, t):0.000} Gbit/s)"));
                    }

                    await warm.CloseAsync(0, cancellationToken).ConfigureAwait(false);
                }
            }

            var gbps = new double[runs];
            var runResults = new JsonArray();
            for (int run = 0; run < runs; run++)
            {
                QuicConnection connection = await QuicConnection.ConnectAsync(host.CreateClientOptions(), cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
                    int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
                    TimeSpan elapsed = await TransferAsync(connection, bytes, up, buffer, cancellationToken).ConfigureAwait(false);
                    long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
                    QuicConnectionStatistics? stats = StatisticsOf(connection);
                    gbps[run] = Gbps(bytes, elapsed);
                    string gcs = Format($"GCs gen0 {GC.CollectionCount(0) - gen0} gen1 {GC.CollectionCount(1) - gen1} gen2 {GC.CollectionCount(2) - gen2}");
                    if (stats is null)
                    {
                        PerfScenarios.Progress(Format(
                            $"run {run + 1}: {bytes:N0} bytes {(up ? "up" : "down")} in {elapsed.TotalMilliseconds:0.0} ms = {gbps[run]:0.000} Gbit/s (the engine has no statistics); process allocated {allocated / 1024.0:N0} KiB, {gcs}"));
                    }
                    else
                    {
                        long packets = stats.PacketsSent + stats.PacketsReceived;
                        PerfScenarios.Progress(Format(
                            $"run {run + 1}: {bytes:N0} bytes {(up ? "up" : "down")} in {elapsed.TotalMilliseconds:0.0} ms = {gbps[run]:0.000} Gbit/s; client sent {stats.PacketsSent:N0} / received {stats.PacketsReceived:N0} packets, lost {stats.PacketsLost:N0}, cwnd {stats.CongestionWindow:N0}, smoothed RTT {stats.SmoothedRtt.TotalMicroseconds:0} us; process allocated {allocated / 1024.0:N0} KiB ({(packets == 0 ? 0 : allocated / (double)packets):0.0} B per client packet), {gcs}"));
                    }

                    QuicConnectionStatistics? sender = null;
                    if (!up && stats is not null && host is InProcessServerHost local)
                    {
                        sender = await local.Server.WaitForDownloadStatisticsAsync(connection.LocalEndPoint, cancellationToken).ConfigureAwait(false);
                        PerfScenarios.Progress(Format(
                            $"       server sent {sender.PacketsSent:N0} packets in {sender.UdpDatagramsSent:N0} datagrams by {sender.UdpSendCalls:N0} send calls, lost {sender.PacketsLost:N0}; cwnd {sender.CongestionWindow:N0} bytes, smoothed RTT {sender.SmoothedRtt.TotalMicroseconds:0} us, min RTT {sender.MinRtt.TotalMicroseconds:0} us"));
                    }

                    var details = new JsonObject
                    {
                        ["gbps"] = Round(gbps[run], 3),
                        ["seconds"] = Round(elapsed.TotalSeconds, 4),
                        ["allocated_bytes"] = allocated,
                        ["gc_gen0"] = GC.CollectionCount(0) - gen0,
                        ["gc_gen1"] = GC.CollectionCount(1) - gen1,
                        ["gc_gen2"] = GC.CollectionCount(2) - gen2,
                    };
                    if (stats is not null)
                    {
                        details["client"] = Describe(stats);
                    }

                    if (sender is not null)
                    {
                        details["server"] = Describe(sender);
                    }

                    runResults.Add(details);
                    await connection.CloseAsync(0, cancellationToken).ConfigureAwait(false);
                }
            }

            Array.Sort(gbps);
            double median = runs % 2 == 1 ? gbps[runs / 2] : (gbps[(runs / 2) - 1] + gbps[runs / 2]) / 2;
            PerfScenarios.Progress(Format($"{Name}: median of {runs} run(s) {median:0.000} Gbit/s (min {gbps[0]:0.000}, max {gbps[^1]:0.000})"));
            JsonObject result = NewResult(settings, new JsonObject
            {
                ["bytes"] = bytes,
                ["direction"] = up ? "up" : "down",
                ["runs"] = runs,
                ["warmup"] = warmup,
            });
            result["gbps"] = Round(median, 3);
            result["gbps_min"] = Round(gbps[0], 3);
            result["gbps_max"] = Round(gbps[^1], 3);
            result["measured"] = "stream transfer on a fresh connection: open stream to last byte delivered (handshake excluded, slow start included)";
            result["run_details"] = runResults;
            return result;
        }
    }

    private static async Task<TimeSpan> TransferAsync(QuicConnection connection, long bytes, bool up, byte[] buffer, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        QuicStream stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            long received = 0;
            if (up)
            {
                await stream.WriteAsync(PerfProtocol.Header(PerfProtocol.Upload, bytes), cancellationToken).ConfigureAwait(false);
                Array.Clear(buffer);
                long sent = 0;
                while (sent < bytes)
                {
                    int length = (int)Math.Min(buffer.Length, bytes - sent);
                    sent += length;
                    await stream.WriteAsync(buffer.AsMemory(0, length), completeWrites: sent == bytes, cancellationToken).ConfigureAwait(false);
                }

                int n;
                int answer = 0;
                while ((n = await stream.ReadAsync(buffer.AsMemory(answer), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    answer += n;
                }

                received = answer == 8 ? BinaryPrimitives.ReadInt64BigEndian(buffer) : -1;
            }
            else
            {
                await stream.WriteAsync(PerfProtocol.Header(PerfProtocol.Download, bytes), completeWrites: true, cancellationToken).ConfigureAwait(false);
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    received += n;
                }
            }

            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            if (received != bytes)
            {
                throw new InvalidOperationException($"Transferred {received} bytes, expected {bytes}.");
            }

            return elapsed;
        }
    }

    private static double Gbps(long bytes, TimeSpan elapsed) => bytes * 8 / elapsed.TotalSeconds / 1e9;
}
