using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Mycnet.Networking.Perf.Quic;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// rr: sequential request/response latency. Each request (64 bytes by default) goes on a new
/// bidirectional stream with FIN, and the server echoes it with FIN; with <c>--one-stream</c> all
/// requests share one stream (no FIN per message).
/// </summary>
/// <remarks>
/// One request is timed from opening its stream (or writing, with --one-stream) to reading the
/// last byte of the response (the FIN, on new streams). The warm-up requests run first on the
/// same connection. <c>--stream-limit</c> sets the server's concurrent stream limit: with 1 every
/// new stream waits for the MAX_STREAMS the previous one frees, as ngtcp2's tools do when used
/// for a sequential request series (bench/compare-ngtcp2.sh).
/// </remarks>
internal sealed class RrScenario : QuicScenario
{
    private readonly Option<int> _count = new("--count") { Description = "Measured requests.", DefaultValueFactory = _ => 10_000 };
    private readonly Option<bool> _oneStream = new("--one-stream") { Description = "All requests on one stream instead of a new stream each." };
    private readonly Option<int> _size = new("--size") { Description = "Request and response size in bytes.", DefaultValueFactory = _ => 64 };
    private readonly Option<int> _streamLimit = new("--stream-limit") { Description = "Bidirectional streams the server lets the client have open at once (MAX_STREAMS).", DefaultValueFactory = _ => PerfServerConfig.DefaultMaxInboundBidirectionalStreams };

    public override string Name => "rr";

    protected override string Description => "Sequential request/response latency (median and p99, us). --warmup: warm-up requests, default 1000.";

    protected override void AddOptions(Command command)
    {
        command.Add(_count);
        command.Add(_oneStream);
        command.Add(_size);
        command.Add(_streamLimit);
    }

    protected override string? Check(ParseResult parse) =>
        parse.GetValue(_count) is < 1 or > 10_000_000 ? "--count must be 1 to 10000000"
        : parse.GetValue(_size) is < 1 or > PerfProtocol.MaxMessageSize ? "--size must be 1 to 65536"
        : parse.GetValue(_streamLimit) is < 1 or > 65536 ? "--stream-limit must be 1 to 65536"
        : null;

    protected override async Task<JsonObject> RunAsync(ParseResult parse, QuicPerfSettings settings, CancellationToken cancellationToken)
    {
        int count = parse.GetValue(_count);
        bool oneStream = parse.GetValue(_oneStream);
        int size = parse.GetValue(_size);
        int streamLimit = parse.GetValue(_streamLimit);
        int warmup = settings.Warmup ?? 1000;
        byte[] request = new byte[size];
        Random.Shared.NextBytes(request);
        request[0] = PerfProtocol.Request;
        byte[] response = new byte[Math.Max(size, 4096)];
        long[] ticks = new long[count];

        PerfServerHost host = await PerfServerHost.StartAsync(settings, streamLimit, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            QuicConnection connection = await QuicConnection.ConnectAsync(host.CreateClientOptions(), cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                long start;
                TimeSpan total;
                if (oneStream)
                {
                    QuicStream stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false);
                    await using (stream.ConfigureAwait(false))
                    {
                        await stream.WriteAsync(PerfProtocol.Header(PerfProtocol.Echo, size), cancellationToken).ConfigureAwait(false);
                        for (int i = 0; i < warmup; i++)
                        {
                            await ExchangeAsync(stream, request, response, cancellationToken).ConfigureAwait(false);
                        }

                        start = Stopwatch.GetTimestamp();
                        for (int i = 0; i < count; i++)
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            await ExchangeAsync(stream, request, response, cancellationToken).ConfigureAwait(false);
                            ticks[i] = Stopwatch.GetTimestamp() - t0;
                        }

                        total = Stopwatch.GetElapsedTime(start);
                        stream.CompleteWrites();
                        if (await stream.ReadAsync(response, cancellationToken).ConfigureAwait(false) != 0)
                        {
                            throw new InvalidOperationException("The server sent more than the echoes.");
                        }
                    }
                }
                else
                {
                    for (int i = 0; i < warmup; i++)
                    {
                        await RequestOnNewStreamAsync(connection, request, response, cancellationToken).ConfigureAwait(false);
                    }

                    start = Stopwatch.GetTimestamp();
                    for (int i = 0; i < count; i++)
                    {
                        ticks[i] = await RequestOnNewStreamAsync(connection, request, response, cancellationToken).ConfigureAwait(false);
                    }

                    total = Stopwatch.GetElapsedTime(start);
                }

                QuicConnectionStatistics? stats = StatisticsOf(connection);
                await connection.CloseAsync(0, cancellationToken).ConfigureAwait(false);

                LatencyStats latency = LatencyStats.FromTicks(ticks);
                double perSecond = count / total.TotalSeconds;
                PerfScenarios.Progress(Format(
                    $"{Name}: {count:N0} requests of {size} bytes {(oneStream ? "on one stream" : "on new streams")} (stream limit {streamLimit}, {warmup:N0} warm-up): median {latency.MedianUs:0.0} us, p90 {latency.P90Us:0.0} us, p99 {latency.P99Us:0.0} us, mean {latency.MeanUs:0.0} us, min {latency.MinUs:0.0} us, max {latency.MaxUs:0.0} us; {perSecond:N0} requests/s"));
                if (stats is not null)
                {
                    PerfScenarios.Progress(Format($"client: sent {stats.PacketsSent:N0} packets, received {stats.PacketsReceived:N0}, lost {stats.PacketsLost:N0}; smoothed RTT {stats.SmoothedRtt.TotalMicroseconds:0} us, min RTT {stats.MinRtt.TotalMicroseconds:0} us"));
                }


                JsonObject result = NewResult(settings, new JsonObject
                {
                    ["count"] = count,
                    ["size"] = size,
                    ["one_stream"] = oneStream,
                    ["stream_limit"] = streamLimit,
                    ["warmup"] = warmup,
                });
                result["median_us"] = Round(latency.MedianUs, 1);
                result["p99_us"] = Round(latency.P99Us, 1);
                result["p90_us"] = Round(latency.P90Us, 1);
                result["mean_us"] = Round(latency.MeanUs, 1);
                result["min_us"] = Round(latency.MinUs, 1);
                result["max_us"] = Round(latency.MaxUs, 1);
                result["requests_per_second"] = Round(perSecond, 0);
                result["measured"] = oneStream
                    ? "write of the request to the last byte of its echo, one stream"
                    : "stream open to the response's FIN read, a new stream per request";
                if (stats is not null)
                {
                    result["client"] = Describe(stats);
                }

                return result;
            }
        }
    }

    private static async Task<long> RequestOnNewStreamAsync(QuicConnection connection, byte[] request, byte[] response, CancellationToken cancellationToken)
    {
        long t0 = Stopwatch.GetTimestamp();
        QuicStream stream = await connection.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(request, completeWrites: true, cancellationToken).ConfigureAwait(false);
            int received = 0;
            int n;
            while ((n = await stream.ReadAsync(response.AsMemory(received), cancellationToken).ConfigureAwait(false)) > 0)
            {
                received += n;
            }

            long elapsed = Stopwatch.GetTimestamp() - t0;
            if (received != request.Length)
            {
                throw new InvalidOperationException($"The response has {received} bytes, the request {request.Length}.");
            }

            return elapsed;
        }
    }

    private static async Task ExchangeAsync(QuicStream stream, byte[] request, byte[] response, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
        int received = 0;
        while (received < request.Length)
        {
            int n = await stream.ReadAsync(response.AsMemory(received, request.Length - received), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new InvalidOperationException("The server ended the echo stream early.");
            }

            received += n;
        }
    }
}
