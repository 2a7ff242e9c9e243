using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Mycnet.Networking.Perf.Quic;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// handshake: sequential full handshakes, a new connection (and client socket) each; the time of
/// <see cref="QuicConnection.ConnectAsync"/>.
/// </summary>
/// <remarks>
/// Each handshake: bind a UDP socket, TLS 1.3 with ECDHE secp256r1 and the server's ECDSA P-256
/// certificate validated against the throwaway root, until the client has the server's Finished
/// and sent its own (ConnectAsync returns). The connection is then closed; the next one starts
/// when the close was sent. No session resumption, no 0-RTT.
/// </remarks>
internal sealed class HandshakeScenario : QuicScenario
{
    private readonly Option<int> _count = new("--count") { Description = "Measured handshakes.", DefaultValueFactory = _ => 200 };

    public override string Name => "handshake";

    protected override string Description => "Sequential full handshakes, a new connection each (median ms). --warmup: warm-up handshakes, default 20.";

    protected override void AddOptions(Command command) => command.Add(_count);

    protected override string? Check(ParseResult parse) =>
        parse.GetValue(_count) is < 1 or > 100_000 ? "--count must be 1 to 100000" : null;

    protected override async Task<JsonObject> RunAsync(ParseResult parse, QuicPerfSettings settings, CancellationToken cancellationToken)
    {
        int count = parse.GetValue(_count);
        int warmup = settings.Warmup ?? 20;
        long[] ticks = new long[count];
        PerfServerHost host = await PerfServerHost.StartAsync(settings, PerfServerConfig.DefaultMaxInboundBidirectionalStreams, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            QuicClientConnectionOptions options = host.CreateClientOptions();
            string suite = "";
            for (int i = 0; i < warmup + count; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                QuicConnection connection = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                long elapsed = Stopwatch.GetTimestamp() - t0;
                await using (connection.ConfigureAwait(false))
                {
                    suite = connection.NegotiatedCipherSuite.ToString();
                    await connection.CloseAsync(0, cancellationToken).ConfigureAwait(false);
                }

                if (i >= warmup)
                {
                    ticks[i - warmup] = elapsed;
                }
            }

            LatencyStats latency = LatencyStats.FromTicks(ticks);
            PerfScenarios.Progress(Format(
                $"{Name}: {count:N0} handshakes ({warmup} warm-up, {suite}): median {latency.MedianUs / 1000:0.000} ms, p90 {latency.P90Us / 1000:0.000} ms, p99 {latency.P99Us / 1000:0.000} ms, mean {latency.MeanUs / 1000:0.000} ms, min {latency.MinUs / 1000:0.000} ms, max {latency.MaxUs / 1000:0.000} ms"));
            JsonObject result = NewResult(settings, new JsonObject { ["count"] = count, ["warmup"] = warmup });
            result["median_ms"] = Round(latency.MedianUs / 1000, 3);
            result["p90_ms"] = Round(latency.P90Us / 1000, 3);
            result["p99_ms"] = Round(latency.P99Us / 1000, 3);
            result["mean_ms"] = Round(latency.MeanUs / 1000, 3);
            result["min_ms"] = Round(latency.MinUs / 1000, 3);
            result["cipher_suite"] = suite;
            result["measured"] = settings.Engine == QuicEngine.MsQuic
                ? "QuicConnection.ConnectAsync on msquic: socket bind, full TLS 1.3 handshake (msquic's key exchange group, ECDSA P-256, chain validated), until the handshake completed"
                : "QuicConnection.ConnectAsync: socket bind, full TLS 1.3 handshake (secp256r1, ECDSA P-256, chain validated), until the client sent its Finished";
            return result;
        }
    }
}
