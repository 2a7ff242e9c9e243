using System.Security.Cryptography;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// One HTTP/3 connection (RFC 9114) over an <see cref="IH3Transport"/>, for either role: the critical
/// unidirectional streams, the peer's SETTINGS and GOAWAY, and the dispatch of the peer's streams.
/// </summary>
/// <remarks>
/// <para>Lifecycle: <see cref="StartAsync"/> opens this endpoint's control stream (sending SETTINGS as
/// its first frame, §6.2.1) and its QPACK encoder and decoder streams (RFC 9204 §4.2; they carry only
/// their type, since neither side uses a dynamic table: SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0 and
/// SETTINGS_QPACK_BLOCKED_STREAMS = 0), then accepts the peer's streams until the connection closes.
/// A server passes a request handler that runs once per request stream; a client opens request
/// streams itself (see <see cref="H3Client"/>).</para>
/// <para>Errors: parsing code throws <see cref="H3ConnectionException"/> for connection errors, which
/// close the QUIC connection with the error code (the first error wins and is kept in
/// <see cref="Error"/>), and <see cref="H3StreamException"/> for stream errors, which abort only that
/// stream. Failures of the transport itself (the connection was closed) end the stream tasks quietly.
/// Every stream task catches everything: nothing escapes unobserved.</para>
/// </remarks>
internal sealed partial class H3Connection : IAsyncDisposable
{
    private readonly IH3Transport _transport;
    private readonly H3Options _options;
    private readonly Func<H3Connection, IH3Stream, CancellationToken, Task>? _requestHandler;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TaskCompletionSource<H3Settings> _peerSettings = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _acceptEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _controlWriteLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly HashSet<Task> _streamTasks = [];
    private readonly HashSet<Task> _requestTasks = [];
    private IH3Stream? _control;
    private IH3Stream? _encoder;
    private IH3Stream? _decoder;
    private Task? _acceptLoop;
    private H3ConnectionException? _error;
    private ulong? _goAwaySent;
    private long _nextRequestStreamId;
    private int _disposed;

    private H3Connection(IH3Transport transport, H3Options options, Func<H3Connection, IH3Stream, CancellationToken, Task>? requestHandler)
    {
        _transport = transport;
        _options = options;
        _requestHandler = requestHandler;
    }

    /// <summary>True at the client end.</summary>
    public bool IsClient => _transport.IsClient;

    /// <summary>The options this connection runs with.</summary>
    public H3Options Options => _options;

    /// <summary>The transport underneath (requests open their streams on it).</summary>
    public IH3Transport Transport => _transport;

    /// <summary>The first connection error this endpoint detected, or null.</summary>
    public H3ConnectionException? Error
    {
        get
        {
            lock (_gate)
            {
                return _error;
            }
        }
    }

    /// <summary>Completes with the peer's SETTINGS when they arrive (never faults; may never complete).</summary>
    public Task<H3Settings> PeerSettings => _peerSettings.Task;

    /// <summary>Completes when the peer's streams can no longer arrive: the connection closed.</summary>
    public Task Closed => _acceptEnded.Task;

    /// <summary>
    /// Starts HTTP/3 on <paramref name="transport"/>. A server passes <paramref name="requestHandler"/>,
    /// called once per request stream on its own task (exceptions it throws are handled as above).
    /// </summary>
    public static async Task<H3Connection> StartAsync(
        IH3Transport transport,
        H3Options options,
        Func<H3Connection, IH3Stream, CancellationToken, Task>? requestHandler,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (transport.IsClient == (requestHandler is not null))
        {
            throw new ArgumentException("A server needs a request handler and a client must not have one.", nameof(requestHandler));
        }

        var connection = new H3Connection(transport, options, requestHandler);
        try
        {
            await connection.OpenCriticalStreamsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        connection._acceptLoop = connection.AcceptLoopAsync();
        return connection;
    }

    /// <summary>
    /// Closes the connection with <paramref name="errorCode"/> (H3_NO_ERROR for a normal end), after
    /// which streams fail. Idempotent.
    /// </summary>
    public async ValueTask CloseAsync(H3ErrorCode errorCode, CancellationToken cancellationToken)
    {
        if (!_transport.IsClosed)
        {
            await _transport.CloseAsync((long)errorCode, cancellationToken).ConfigureAwait(false);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Server graceful shutdown (§5.2): sends GOAWAY naming the first request stream this server has not
    /// accepted, so requests on it and later streams are rejected while accepted ones complete.
    /// </summary>
    public async ValueTask SendGoAwayAsync(CancellationToken cancellationToken)
    {
        if (IsClient)
        {
            throw new InvalidOperationException("This implementation never sends GOAWAY as a client (it never allows pushes).");
        }

        ulong id;
        lock (_gate)
        {
            id = (ulong)_nextRequestStreamId;
            _goAwaySent = id;
        }

        byte[] frame = new byte[H3IdFrame.GetFrameLength(H3FrameType.GoAway, id)];
        H3IdFrame.Write(frame, H3FrameType.GoAway, id);
        await WriteControlAsync(frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until every request accepted so far has finished (the critical streams never do).</summary>
    public async Task WaitForRequestsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task[] pending;
            lock (_gate)
            {
                pending = [.. _requestTasks];
            }

            if (pending.Length == 0)
            {
                return;
            }

            await Task.WhenAll(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_transport.IsClosed)
        {
            await _transport.CloseAsync((long)H3ErrorCode.NoError, CancellationToken.None).ConfigureAwait(false);
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        Task[] pending;
        lock (_gate)
        {
            pending = [.. _streamTasks];
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        foreach (IH3Stream? stream in new[] { _control, _encoder, _decoder })
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        _shutdown.Dispose();
        _controlWriteLock.Dispose();
    }

    /// <summary>
    /// Records <paramref name="error"/> as the connection error (if it is the first) and closes the
    /// QUIC connection with its code (§8).
    /// </summary>
    internal async Task FailAsync(H3ConnectionException error)
    {
        lock (_gate)
        {
            if (_error is not null)
            {
                return;
            }

            _error = error;
        }

        Log($"connection error: {error.Message}");

        // Close with the error code before cancelling anything: cancellation ends the accept loop,
        // and whoever waits for that may dispose the connection (closing it with H3_NO_ERROR).
        if (!_transport.IsClosed)
        {
            try
            {
                await _transport.CloseAsync((long)error.ErrorCode, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
            {
                Log($"closing the connection failed: {e.Message}");
            }
        }

        await _shutdown.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Writes one diagnostic line, if a log is configured.</summary>
    internal void Log(string message)
    {
        TextWriter? log = _options.Log;
        if (log is not null)
        {
            lock (log)
            {
                log.WriteLine($"[h3 {(IsClient ? "client" : "server")}] {message}");
            }
        }
    }

    private async Task OpenCriticalStreamsAsync(CancellationToken cancellationToken)
    {
        // §6.2.1: the control stream starts with its type, then SETTINGS as the first frame.
        var settings = new H3Settings
        {
            QpackMaxTableCapacity = 0,
            QpackBlockedStreams = 0,
            MaxFieldSectionSize = (ulong)_options.MaxFieldSectionSize,
            Grease = _options.SendGreaseSetting ? CreateGreaseSetting() : null,
        };
        byte[] controlPreface = new byte[1 + settings.GetFrameLength()];
        controlPreface[0] = (byte)H3StreamType.Control;
        settings.WriteFrame(controlPreface.AsSpan(1));

        _control = await _transport.OpenStreamAsync(bidirectional: false, cancellationToken).ConfigureAwait(false);
        await WriteControlAsync(controlPreface, cancellationToken).ConfigureAwait(false);

        // RFC 9204 §4.2: one encoder and one decoder stream, opened and kept open (never closed).
        _encoder = await _transport.OpenStreamAsync(bidirectional: false, cancellationToken).ConfigureAwait(false);
        await _encoder.Stream.WriteAsync(new[] { (byte)H3StreamType.QpackEncoder }, cancellationToken).ConfigureAwait(false);
        await _encoder.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        _decoder = await _transport.OpenStreamAsync(bidirectional: false, cancellationToken).ConfigureAwait(false);
        await _decoder.Stream.WriteAsync(new[] { (byte)H3StreamType.QpackDecoder }, cancellationToken).ConfigureAwait(false);
        await _decoder.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static (ulong Id, ulong Value) CreateGreaseSetting()
    {
        // §7.2.4.1: identifiers 0x1f * N + 0x21; keep N small so the identifier fits in 4 bytes.
        ulong n = (ulong)RandomNumberGenerator.GetInt32(0, 1 << 20);
        return (0x1f * n + 0x21, (ulong)RandomNumberGenerator.GetInt32(0, 1 << 30));
    }

    private async Task WriteControlAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        IH3Stream control = _control ?? throw new InvalidOperationException("The control stream is not open.");
        await _controlWriteLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await control.Stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            await control.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _controlWriteLock.Release();
        }
    }

    private async Task AcceptLoopAsync()
    {
        await Task.Yield();
        CancellationToken token = _shutdown.Token;
        try
        {
            while (true)
            {
                IH3Stream? stream;
                try
                {
                    stream = await _transport.AcceptStreamAsync(token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    break;
                }

                if (stream is null)
                {
                    break;
                }

                if (QuicStreamIds.IsBidirectional(stream.Id))
                {
                    await AcceptBidirectionalAsync(stream, token).ConfigureAwait(false);
                }
                else
                {
                    Track(RunGuardedAsync(stream, () => RunUnidirectionalAsync(stream, token)));
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            Log($"accepting streams ended: {e.Message}");
        }
        finally
        {
            _acceptEnded.TrySetResult();
        }
    }

    private async Task AcceptBidirectionalAsync(IH3Stream stream, CancellationToken token)
    {
        // §6.1: HTTP/3 uses no server-initiated bidirectional streams.
        if (IsClient || !QuicStreamIds.IsClientInitiated(stream.Id))
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            await FailAsync(new H3ConnectionException(H3ErrorCode.StreamCreationError, $"the peer opened bidirectional stream {stream.Id}, which HTTP/3 does not use")).ConfigureAwait(false);
            return;
        }

        bool rejected;
        lock (_gate)
        {
            rejected = _goAwaySent is { } goAway && (ulong)stream.Id >= goAway;
            if (!rejected)
            {
                _nextRequestStreamId = Math.Max(_nextRequestStreamId, stream.Id + 4);
            }
        }

        if (rejected)
        {
            // §5.2: requests at or above the GOAWAY id are rejected without processing.
            stream.AbortRead((long)H3ErrorCode.RequestRejected);
            stream.AbortWrite((long)H3ErrorCode.RequestRejected);
            await stream.DisposeAsync().ConfigureAwait(false);
            return;
        }

        Func<H3Connection, IH3Stream, CancellationToken, Task> handler = _requestHandler!;
        Track(
            RunGuardedAsync(stream, async () =>
            {
                await using (stream.ConfigureAwait(false))
                {
                    await handler(this, stream, token).ConfigureAwait(false);
                }
            }),
            isRequest: true);
    }

    private void Track(Task task, bool isRequest = false)
    {
        lock (_gate)
        {
            _streamTasks.Add(task);
            if (isRequest)
            {
                _requestTasks.Add(task);
            }
        }

        _ = task.ContinueWith(
            (t, state) =>
            {
                var self = (H3Connection)state!;
                lock (self._gate)
                {
                    self._streamTasks.Remove(t);
                    self._requestTasks.Remove(t);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one stream's work and maps every failure: a connection error closes the connection, a
    /// stream error aborts the stream, a peer reset is logged, and a failure because the connection is
    /// gone ends the task quietly. (Critical streams turn a reset into a connection error themselves.)
    /// </summary>
    private async Task RunGuardedAsync(IH3Stream stream, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (H3ConnectionException e)
        {
            await FailAsync(e).ConfigureAwait(false);
        }
        catch (H3StreamException e)
        {
            if (e.IsRemote)
            {
                Log($"stream {stream.Id}: {e.Message}");
            }
            else
            {
                Log($"stream {stream.Id} aborted: {e.Message}");
                AbortQuietly(stream, e.ErrorCode);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Shutting down: nothing to report.
        }
        catch (Exception e) when (stream.GetResetErrorCode(e) is long code)
        {
            Log($"stream {stream.Id} reset by the peer with {H3ErrorCodes.Describe(code)}");
        }
        catch (Exception e) when (_transport.IsClosed || e is IOException or ObjectDisposedException)
        {
            Log($"stream {stream.Id} ended: {e.Message}");
        }
        catch (Exception e)
        {
            // A bug in this endpoint, not a peer violation: close with H3_INTERNAL_ERROR rather than crash.
            await FailAsync(new H3ConnectionException(H3ErrorCode.InternalError, $"{e.GetType().Name} on stream {stream.Id}: {e.Message}")).ConfigureAwait(false);
        }
    }

    private static void AbortQuietly(IH3Stream stream, H3ErrorCode code)
    {
        try
        {
            stream.AbortRead((long)code);
            stream.AbortWrite((long)code);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The stream or connection is already gone; nothing to abort.
        }
    }
}
