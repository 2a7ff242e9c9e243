using Microsoft.Extensions.Logging;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// Writes the qlog files of many connections from one background task, so that no connection
/// worker ever blocks on the file system.
/// </summary>
/// <remarks>
/// Design: each connection's <see cref="QlogSink"/> queues full chunks and wakes the writer through
/// a small work queue (a sink is queued at most once until the writer picks it up). The writer
/// drains a sink's chunks in order into its file, opening the file on the first chunk and closing
/// it when the sink completes. Chunks come from a bounded free list so a steady stream of events
/// allocates nothing. A timer hands partly filled chunks of quiet connections to the writer every
/// <see cref="QlogOptions.FlushInterval"/>. A file that cannot be opened or written is abandoned
/// (its data is discarded and counted), logged once, and never takes the writer down.
/// </remarks>
internal sealed class QlogWriter : IAsyncDisposable
{
    private const int MaxPooledChunks = 64;

    private readonly QlogOptions _options;
    private readonly ILogger? _logger;
    private readonly Lock _gate = new();
    private readonly Queue<object> _work = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly HashSet<QlogSink> _sinks = [];
    private readonly Stack<byte[]> _freeChunks = new();
    private readonly Task _loop;
    private readonly ITimer? _flushTimer;
    private long _bufferedBytes;
    private long _heldBytes;
    private long _bytesWritten;
    private long _bytesDiscarded;
    private long _filesCompleted;
    private bool _stopping;
    private bool _stopQueued;
    private bool _directoryCreated;

    public QlogWriter(QlogOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger;
        _loop = Task.Run(RunAsync);
        if (options.FlushInterval != Timeout.InfiniteTimeSpan)
        {
            _flushTimer = (timeProvider ?? TimeProvider.System).CreateTimer(static state => ((QlogWriter)state!).SealAll(), this, options.FlushInterval, options.FlushInterval);
        }
    }

    public QlogOptions Options => _options;

    /// <summary>Bytes of events waiting to be written across all connections.</summary>
    public long BufferedBytes => Volatile.Read(ref _bufferedBytes);

    /// <summary>
    /// Memory in chunks that connections hold (filling or waiting to be written); what
    /// <see cref="QlogOptions.MaxBufferedBytes"/> bounds. Free pooled chunks are not counted (at most 64).
    /// </summary>
    public long HeldBytes => Volatile.Read(ref _heldBytes);

    /// <summary>Bytes written to files so far.</summary>
    public long BytesWritten => Volatile.Read(ref _bytesWritten);

    /// <summary>Bytes thrown away because their file could not be opened or written.</summary>
    public long BytesDiscarded => Volatile.Read(ref _bytesDiscarded);

    /// <summary>Files written completely and closed.</summary>
    public long FilesCompleted => Volatile.Read(ref _filesCompleted);

    /// <summary>Whether a connection may take another chunk: the memory budget counts whole chunks, so
    /// many connections each holding a partly filled chunk are bounded too.</summary>
    internal bool HasRoom => Volatile.Read(ref _heldBytes) < _options.MaxBufferedBytes;

    /// <summary>A sink for one connection's records.</summary>
    public QlogSink CreateSink()
    {
        var sink = new QlogSink(this, _options.MaxBufferedBytesPerConnection);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping, this);
            _sinks.Add(sink);
        }

        return sink;
    }

    /// <summary>Writes everything buffered before the call, partly filled chunks included.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        SealAll();
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stopQueued)
            {
                return _loop.WaitAsync(cancellationToken);
            }

            _work.Enqueue(barrier);
            _signal.Release();
        }

        return barrier.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Completes every open file, writes what is buffered and stops the writer.</summary>
    public async ValueTask DisposeAsync()
    {
        QlogSink[] sinks;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            sinks = [.. _sinks];
        }

        if (_flushTimer is not null)
        {
            await _flushTimer.DisposeAsync().ConfigureAwait(false);
        }

        foreach (QlogSink sink in sinks)
        {
            sink.Complete();
        }

        lock (_gate)
        {
            _work.Enqueue(StopMarker.Instance);
            _stopQueued = true;
            _signal.Release();
        }

        await _loop.ConfigureAwait(false);
        _signal.Dispose();
    }

    internal void AddBuffered(long delta) => Interlocked.Add(ref _bufferedBytes, delta);

    internal byte[] RentChunk()
    {
        Interlocked.Add(ref _heldBytes, _options.ChunkSize);
        lock (_gate)
        {
            if (_freeChunks.TryPop(out byte[]? chunk))
            {
                return chunk;
            }
        }

        return new byte[_options.ChunkSize];
    }

    internal void ReturnChunk(byte[] chunk)
    {
        Interlocked.Add(ref _heldBytes, -chunk.Length);
        lock (_gate)
        {
            if (_freeChunks.Count < MaxPooledChunks)
            {
                _freeChunks.Push(chunk);
            }
        }
    }

    internal void Enqueue(QlogSink sink)
    {
        lock (_gate)
        {
            // After the stop marker nothing is drained any more; a late sink's data is dropped with it.
            if (!_stopQueued)
            {
                _work.Enqueue(sink);
                _signal.Release();
            }
        }
    }

    private void SealAll()
    {
        QlogSink[] sinks;
        lock (_gate)
        {
            if (_sinks.Count == 0)
            {
                return;
            }

            sinks = [.. _sinks];
        }

        foreach (QlogSink sink in sinks)
        {
            if (sink.SealCurrent())
            {
                sink.Schedule();
            }
        }
    }

    private async Task RunAsync()
    {
        while (true)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            object? item;
            lock (_gate)
            {
                _work.TryDequeue(out item);
            }

            switch (item)
            {
                case QlogSink sink:
                    sink.ClearScheduled();
                    await DrainAsync(sink).ConfigureAwait(false);
                    break;
                case TaskCompletionSource barrier:
                    barrier.TrySetResult();
                    break;
                case StopMarker:
                    return;
            }
        }
    }

    private async Task DrainAsync(QlogSink sink)
    {
        while (sink.TryTakeChunk(out QlogChunk chunk))
        {
            try
            {
                if (!sink.Failed && !sink.Closed)
                {
                    sink.Stream ??= Open(sink);
                    await sink.Stream.WriteAsync(chunk.Array.AsMemory(0, chunk.Length)).ConfigureAwait(false);
                    Interlocked.Add(ref _bytesWritten, chunk.Length);
                }
                else
                {
                    Interlocked.Add(ref _bytesDiscarded, chunk.Length);
                }
            }
            catch (Exception e)
            {
                // Whatever the file system or an injected stream throws, the writer lives on: this
                // file is abandoned, the others continue.
                sink.Failed = true;
                Interlocked.Add(ref _bytesDiscarded, chunk.Length);
                if (_logger is not null)
                {
                    QuicLog.QlogWriteFailed(_logger, sink.Path ?? sink.FileName ?? "?", e);
                }

                await CloseStreamAsync(sink).ConfigureAwait(false);
            }
            finally
            {
                sink.Release(chunk);
            }
        }

        if (!sink.Closed && sink.IsDrained())
        {
            sink.Closed = true;
            bool written = sink.Path is not null && !sink.Failed;
            await CloseStreamAsync(sink).ConfigureAwait(false);
            lock (_gate)
            {
                _sinks.Remove(sink);
            }

            if (written)
            {
                Interlocked.Increment(ref _filesCompleted);
            }
        }
    }

    private async Task CloseStreamAsync(QlogSink sink)
    {
        if (sink.Stream is not { } stream)
        {
            return;
        }

        sink.Stream = null;
        try
        {
            await stream.FlushAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            sink.Failed = true;
            if (_logger is not null)
            {
                QuicLog.QlogWriteFailed(_logger, sink.Path ?? sink.FileName ?? "?", e);
            }
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Stream Open(QlogSink sink)
    {
        string fileName = sink.FileName ?? throw new InvalidOperationException("The qlog sink has no file name.");
        if (_options.OpenStream is { } open)
        {
            sink.Path = System.IO.Path.Combine(_options.Directory, fileName);
            return open(sink.Path);
        }

        if (!_directoryCreated)
        {
            Directory.CreateDirectory(_options.Directory);
            _directoryCreated = true;
        }

        // Two connections may share an original DCID (a client retrying with the same one): never
        // overwrite, add a counter instead.
        string stem = System.IO.Path.GetFileNameWithoutExtension(fileName);
        string extension = System.IO.Path.GetExtension(fileName);
        for (int attempt = 0; ; attempt++)
        {
            string name = attempt == 0 ? fileName : $"{stem}_{attempt}{extension}";
            string path = System.IO.Path.Combine(_options.Directory, name);
            try
            {
                var stream = new FileStream(path, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.Read,
                    BufferSize = 0,
                    Options = FileOptions.Asynchronous,
                });
                sink.Path = path;
                return stream;
            }
            catch (IOException) when (attempt < 99 && File.Exists(path))
            {
                // Taken: try the next name.
            }
        }
    }

    private sealed class StopMarker
    {
        public static readonly StopMarker Instance = new();
    }
}
