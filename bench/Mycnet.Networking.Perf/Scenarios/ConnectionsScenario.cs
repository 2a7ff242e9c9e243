using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Mycnet.Networking.Perf.Quic;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Scenarios;

/// <summary>
/// connections: N idle connections held open; memory per connection, both ends counted.
/// </summary>
/// <remarks>
/// <para>Measured as the growth of the managed heap after a full blocking compacting collection
/// (<see cref="GC.GetTotalMemory(bool)"/>), from before the N connections were opened to when
/// they are all established and the server holds all of them, divided by N. It counts both ends
/// of each connection: in-process one snapshot holds client and server; with the server in
/// another process its own snapshot (asked over a control connection opened before the baseline)
/// is added to the client's. The working-set growth per connection is reported beside it; it also
/// holds native memory (OpenSSL cipher contexts) but moves with the GC's own heap reservations, so
/// it is noisier. On the msquic engine the connection state is native memory that the managed heap
/// does not see: there the working-set figure is the one to compare.</para>
/// <para>Every client connection has its own UDP socket (and its receive buffer), as
/// <see cref="QuicConnection.ConnectAsync"/> gives it; the server's connections share the
/// listener's socket. Warm-up connections are opened and closed before the baseline.</para>
/// </remarks>
internal sealed class ConnectionsScenario : QuicScenario
{
    private readonly Option<int> _count = new("--count") { Description = "Idle connections to hold open.", DefaultValueFactory = _ => 1000 };

    public override string Name => "connections";

    protected override string Description => "Memory per idle connection (both ends) with N held open (bytes). --warmup: connections opened and closed first, default 10.";

    protected override void AddOptions(Command command) => command.Add(_count);

    protected override string? Check(ParseResult parse) =>
        parse.GetValue(_count) is < 1 or > 10_000 ? "--count must be 1 to 10000 (each client connection holds a socket)" : null;

    protected override async Task<JsonObject> RunAsync(ParseResult parse, QuicPerfSettings settings, CancellationToken cancellationToken)
    {
        int count = parse.GetValue(_count);
        int warmup = settings.Warmup ?? 10;
        PerfServerHost host = await PerfServerHost.StartAsync(settings, PerfServerConfig.DefaultMaxInboundBidirectionalStreams, cancellationToken).ConfigureAwait(false);
        await using (host.ConfigureAwait(false))
        {
            QuicClientConnectionOptions options = host.CreateClientOptions();
            PerfServer? local = (host as InProcessServerHost)?.Server;
            QuicConnection? control = local is null ? await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false) : null;
            int serverBase = local is null ? 1 : 0;
            var connections = new List<QuicConnection>(count);
            try
            {
                for (int i = 0; i < warmup; i++)
                {
                    QuicConnection warm = await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
                    await warm.DisposeAsync().ConfigureAwait(false);
                }

                // The baseline, once the server has let the warm-up connections go.
                MemorySnapshot? serverBefore = null;
                if (local is not null)
                {
                    await local.WaitForConnectionCountAsync(0, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    serverBefore = await host.QueryServerMemoryAsync(control!, serverBase, cancellationToken).ConfigureAwait(false);
                }

                MemorySnapshot clientBefore = MemorySnapshot.Take(0);

                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    connections.Add(await QuicConnection.ConnectAsync(options, cancellationToken).ConfigureAwait(false));
                }

                TimeSpan opening = Stopwatch.GetElapsedTime(start);
                MemorySnapshot? serverAfter = null;
                if (local is not null)
                {
                    await local.WaitForConnectionCountAsync(count, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    serverAfter = await host.QueryServerMemoryAsync(control!, serverBase + count, cancellationToken).ConfigureAwait(false);
                }

                MemorySnapshot clientAfter = MemorySnapshot.Take(count);
                MemorySnapshot clientDelta = clientAfter - clientBefore;
                MemorySnapshot? serverDelta = serverAfter is null ? null : serverAfter - serverBefore!;
                MemorySnapshot total = serverDelta is null ? clientDelta : clientDelta + serverDelta;
                double perConnection = total.ManagedHeapBytes / (double)count;
                double workingSetPerConnection = total.WorkingSetBytes / (double)count;

                PerfScenarios.Progress(Format($"{Name}: opened {count:N0} connections in {opening.TotalMilliseconds:N0} ms ({count / opening.TotalSeconds:N0} per second), all idle and held"));
                PerfScenarios.Progress(Format(
                    $"{(local is null ? "client process" : "process (client and server)")}: managed heap {clientBefore.ManagedHeapBytes:N0} -> {clientAfter.ManagedHeapBytes:N0} bytes, working set {clientBefore.WorkingSetBytes:N0} -> {clientAfter.WorkingSetBytes:N0} bytes"));
                if (serverDelta is not null)
                {
                    PerfScenarios.Progress(Format(
                        $"server process: managed heap {serverBefore!.ManagedHeapBytes:N0} -> {serverAfter!.ManagedHeapBytes:N0} bytes, working set {serverBefore.WorkingSetBytes:N0} -> {serverAfter.WorkingSetBytes:N0} bytes ({serverAfter.Connections:N0} connections held)"));
                }

                PerfScenarios.Progress(Format($"{Name}: {perConnection:N0} bytes of managed heap per connection (client + server ends), working set {workingSetPerConnection:N0} bytes per connection"));

                JsonObject result = NewResult(settings, new JsonObject { ["count"] = count, ["warmup"] = warmup });
                result["bytes_per_connection"] = Math.Round(perConnection);
                result["measured"] = "managed heap growth after a full compacting GC (GC.GetTotalMemory), client and server ends of each connection, divided by count";
                result["working_set_bytes_per_connection"] = Math.Round(workingSetPerConnection);
                if (settings.Engine == QuicEngine.MsQuic)
                {
                    // Not comparable with the managed engine's figure: say so beside it.
                    result["note"] = "msquic keeps each connection's state in native memory, outside the managed heap: bytes_per_connection counts only the System.Net.Quic and SDK objects; working_set_bytes_per_connection includes msquic's native state";
                }

                if (serverDelta is not null)
                {
                    result["client_bytes_per_connection"] = Math.Round(clientDelta.ManagedHeapBytes / (double)count);
                    result["server_bytes_per_connection"] = Math.Round(serverDelta.ManagedHeapBytes / (double)count);
                }

                result["connections_per_second"] = Round(count / opening.TotalSeconds, 0);
                return result;
            }
            finally
            {
                foreach (QuicConnection connection in connections)
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }

                if (control is not null)
                {
                    await control.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }
}
