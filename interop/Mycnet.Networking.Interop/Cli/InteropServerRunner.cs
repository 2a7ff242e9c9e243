using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>What the server command was asked to do.</summary>
internal sealed record InteropServerOptions
{
    public required InteropServerSettings Quic { get; init; }

    public required H3ContentSource Content { get; init; }

    /// <summary>How long open requests may run after shutdown starts.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(5);

    public H3Options Http3 { get; init; } = new();
}

/// <summary>
/// The interop server: listen, serve every connection with <see cref="H3Server"/> until
/// <c>stop</c> is cancelled, then close the listener, GOAWAY each connection and wait for them.
/// Prints "listening on ADDRESS" once ready and one line per finished connection.
/// </summary>
internal static class InteropServerRunner
{
    public static async Task<int> RunAsync(IInteropQuic quic, InteropServerOptions options, TextWriter output, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(quic);
        ArgumentNullException.ThrowIfNull(options);
        var server = new H3Server(options.Content, options.Http3);
        var connections = new List<Task>();
        int connectionErrors = 0;
        IInteropListener listener = await quic.ListenAsync(options.Quic, stop).ConfigureAwait(false);
        await using (listener.ConfigureAwait(false))
        {
            Write(output, $"listening on {listener.LocalEndPoint}");
            while (true)
            {
                IInteropConnection? connection;
                try
                {
                    connection = await listener.AcceptAsync(stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    break;
                }

                if (connection is null)
                {
                    break;
                }

                connections.RemoveAll(t => t.IsCompleted);
                connections.Add(ServeAsync(connection));
            }
        }

        await Task.WhenAll(connections).ConfigureAwait(false);
        Write(output, $"stopped: {server.RequestsServed} requests served, {connectionErrors} connections with HTTP/3 errors");
        return 0;

        async Task ServeAsync(IInteropConnection connection)
        {
            await using (connection.ConfigureAwait(false))
            {
                string description = connection.Description;
                try
                {
                    H3ConnectionException? error = await server.ServeAsync(connection, options.ShutdownGrace, stop).ConfigureAwait(false);
                    if (error is not null)
                    {
                        Interlocked.Increment(ref connectionErrors);
                    }

                    Write(output, $"connection {description}: {(error is null ? "closed" : "HTTP/3 error " + error.Message)}; {connection.Statistics}");
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or InvalidOperationException)
                {
                    Write(output, $"connection {description}: ended: {e.GetType().Name}: {e.Message}");
                }
            }
        }
    }

    private static void Write(TextWriter output, string line)
    {
        lock (output)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }
}
