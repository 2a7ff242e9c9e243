using System.Net;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>How the perf server is set up; the same whether it runs in-process or as <c>serve</c>.</summary>
/// <param name="Listen">Where to listen (port 0: any free port).</param>
/// <param name="Offload">UDP offload of the listener's socket.</param>
/// <param name="QlogDirectory">Where to write server-side qlog traces, or null.</param>
/// <param name="MaxInboundBidirectionalStreams">The stream limit the server gives each client (rr --stream-limit).</param>
/// <param name="Engine">The QUIC engine of the listener and its connections.</param>
internal sealed record PerfServerConfig(IPEndPoint Listen, QuicUdpOffload Offload, string? QlogDirectory, int MaxInboundBidirectionalStreams, QuicEngine Engine)
{
    /// <summary>Idle timeout of both ends: long enough to hold thousands of idle connections while they are opened.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(5);

    public const int DefaultMaxInboundBidirectionalStreams = 100;
}

/// <summary>
/// The server end of every QUIC scenario (see <see cref="PerfProtocol"/>): accepts connections,
/// serves each stream on its own task, counts the connections it holds.
/// </summary>
internal sealed partial class PerfServer : IAsyncDisposable
{
    private static readonly TimeSpan MemoryWaitTimeout = TimeSpan.FromSeconds(60);

    private readonly QuicListener _listener;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly HashSet<QuicConnection> _connections = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _countWaiters = [];
    private readonly Dictionary<string, TaskCompletionSource<QuicConnectionStatistics>> _downloads = new(StringComparer.Ordinal);
    private Task _acceptLoop = Task.CompletedTask;

    private PerfServer(QuicListener listener)
    {
        _listener = listener;
    }

    public IPEndPoint LocalEndPoint => _listener.LocalEndPoint;

    /// <summary>Connections accepted and not yet closed.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    public static async Task<PerfServer> StartAsync(PerfServerConfig config, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        QuicListener listener = await QuicListener.ListenAsync(
            new QuicListenerOptions
            {
                Engine = config.Engine,
                ListenEndPoint = config.Listen,
                ApplicationProtocols = [PerfProtocol.Alpn],
                UdpOffload = config.Offload,
                ListenBacklog = 4096,
                ConnectionOptions = new QuicServerConnectionOptions
                {
                    ServerCertificate = certificate,
                    DefaultStreamErrorCode = 1,
                    DefaultCloseErrorCode = 0,
                    IdleTimeout = PerfServerConfig.IdleTimeout,
                    MaxInboundBidirectionalStreams = config.MaxInboundBidirectionalStreams,
                    QlogDirectory = config.QlogDirectory,
                },
            },
            cancellationToken).ConfigureAwait(false);
        var server = new PerfServer(listener);
        server._acceptLoop = server.AcceptLoopAsync();
        return server;
    }

    /// <summary>Waits until the server holds exactly <paramref name="count"/> connections (the handshakes and closes it sees lag the client's).</summary>
    public Task WaitForConnectionCountAsync(int count, CancellationToken cancellationToken)
    {
        TaskCompletionSource done;
        lock (_gate)
        {
            if (_connections.Count == count)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _countWaiters.Add((count, done));
        }

        return done.Task.WaitAsync(MemoryWaitTimeout, cancellationToken);
    }

    /// <summary>
    /// The server end's statistics of the last download to <paramref name="client"/> (the client's
    /// local address), once the client acknowledged all of it.
    /// </summary>
    public Task<QuicConnectionStatistics> WaitForDownloadStatisticsAsync(IPEndPoint client, CancellationToken cancellationToken)
    {
        Task<QuicConnectionStatistics> done;
        lock (_gate)
        {
            done = DownloadCompletion(client.ToString()).Task;
        }

        return done.WaitAsync(MemoryWaitTimeout, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _listener.DisposeAsync().ConfigureAwait(false);
        QuicConnection[] open;
        lock (_gate)
        {
            open = [.. _connections];
        }

        foreach (QuicConnection connection in open)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        await _acceptLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            QuicConnection connection;
            try
            {
                connection = await _listener.AcceptConnectionAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (QuicException ex) when (ex.QuicError == QuicError.OperationAborted)
            {
                return;
            }

            Track(connection, add: true);
            _ = ServeConnectionAsync(connection);
        }
    }

    private async Task ServeConnectionAsync(QuicConnection connection)
    {
        try
        {
            while (true)
            {
                QuicStream stream = await connection.AcceptInboundStreamAsync(_stopping.Token).ConfigureAwait(false);
                _ = ServeStreamAsync(connection, stream);
            }
        }
        catch (QuicException)
        {
            // The client closed the connection (or it timed out): the normal end.
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
        finally
        {
            Track(connection, add: false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private void OnDownloadAcknowledged(QuicConnection connection)
    {
        if (!connection.Capabilities.PathStatistics)
        {
            return; // msquic: no statistics to report.
        }

        QuicConnectionStatistics statistics = connection.GetStatistics();
        lock (_gate)
        {
            string client = connection.RemoteEndPoint.ToString();
            if (!DownloadCompletion(client).TrySetResult(statistics))
            {
                _downloads[client] = new TaskCompletionSource<QuicConnectionStatistics>(TaskCreationOptions.RunContinuationsAsynchronously);
                _downloads[client].TrySetResult(statistics);
            }
        }
    }

    private TaskCompletionSource<QuicConnectionStatistics> DownloadCompletion(string client)
    {
        if (!_downloads.TryGetValue(client, out TaskCompletionSource<QuicConnectionStatistics>? completion))
        {
            completion = new TaskCompletionSource<QuicConnectionStatistics>(TaskCreationOptions.RunContinuationsAsynchronously);
            _downloads[client] = completion;
        }

        return completion;
    }

    private void Track(QuicConnection connection, bool add)
    {
        lock (_gate)
        {
            if (add)
            {
                _connections.Add(connection);
            }
            else
            {
                _connections.Remove(connection);
            }

            for (int i = _countWaiters.Count - 1; i >= 0; i--)
            {
                if (_countWaiters[i].Count == _connections.Count)
                {
                    _countWaiters[i].Done.TrySetResult();
                    _countWaiters.RemoveAt(i);
                }
            }
        }
    }
}
