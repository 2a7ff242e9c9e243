namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// The bounded hand-off between one connection's <see cref="QlogTracer"/> (the producer, on the
/// connection's worker) and the shared <see cref="QlogWriter"/> (the consumer, a background task).
/// </summary>
/// <remarks>
/// Design: serialized records are copied into pooled chunks; a full chunk is queued for the writer
/// and the writer is woken once per chunk, so the connection never waits on I/O. Every byte counts
/// against the connection's budget from <see cref="Append"/> until the writer has written it, and
/// every chunk a connection holds counts against the writer-wide memory budget (so thousands of
/// connections with a partly filled chunk each are bounded too). A producer checks
/// <see cref="HasRoom"/> before serializing an event and drops it when there is none, so memory
/// is bounded by the budgets plus one chunk per connection appending at that moment. A lock guards the chunk queue because the writer's flush timer
/// may seal a partial chunk while the connection appends; it is uncontended in the common case.
/// </remarks>
internal sealed class QlogSink
{
    private readonly Lock _gate = new();
    private readonly QlogWriter _writer;
    private readonly long _limit;
    private readonly Queue<QlogChunk> _ready = new();
    private byte[]? _current;
    private int _currentLength;
    private long _bufferedBytes;
    private bool _completed;
    private int _scheduled;

    public QlogSink(QlogWriter writer, long limit)
    {
        _writer = writer;
        _limit = limit;
    }

    /// <summary>The file name (not the path) the writer creates; set by the producer before its first record.</summary>
    public string? FileName { get; set; }

    /// <summary>Bytes appended and not yet written.</summary>
    public long BufferedBytes => Volatile.Read(ref _bufferedBytes);

    /// <summary>
    /// Whether another record may be appended: this connection's waiting bytes are under its budget,
    /// and either the writer-wide chunk memory is under its budget or the current chunk still has space.
    /// </summary>
    public bool HasRoom
    {
        get
        {
            if (Volatile.Read(ref _bufferedBytes) >= _limit)
            {
                return false;
            }

            // Read without the lock: the flush timer may seal the chunk meanwhile, which costs at
            // most one extra chunk.
            byte[]? current = Volatile.Read(ref _current);
            return _writer.HasRoom || (current is not null && Volatile.Read(ref _currentLength) < current.Length);
        }
    }

    /// <summary>Whether the producer finished (no more records follow).</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    // Writer-owned state.
    internal Stream? Stream { get; set; }

    internal string? Path { get; set; }

    internal bool Failed { get; set; }

    internal bool Closed { get; set; }

    /// <summary>Producer: copies one complete record in. Ignored after <see cref="Complete"/>.</summary>
    public void Append(ReadOnlySpan<byte> record)
    {
        bool schedule = false;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            while (!record.IsEmpty)
            {
                _current ??= _writer.RentChunk();
                int count = Math.Min(record.Length, _current.Length - _currentLength);
                record[..count].CopyTo(_current.AsSpan(_currentLength));
                _currentLength += count;
                record = record[count..];
                Interlocked.Add(ref _bufferedBytes, count);
                _writer.AddBuffered(count);
                if (_currentLength == _current.Length)
                {
                    _ready.Enqueue(new QlogChunk(_current, _currentLength));
                    _current = null;
                    _currentLength = 0;
                    schedule = true;
                }
            }
        }

        if (schedule)
        {
            Schedule();
        }
    }

    /// <summary>Producer: no more records; what is buffered is written and the file closed.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }

            SealCurrentLocked();
            _completed = true;
        }

        Schedule();
    }

    /// <summary>Hands a partly filled chunk to the writer (flush timer, explicit flush); true when there was one.</summary>
    internal bool SealCurrent()
    {
        lock (_gate)
        {
            return SealCurrentLocked();
        }
    }

    internal bool TryTakeChunk(out QlogChunk chunk)
    {
        lock (_gate)
        {
            return _ready.TryDequeue(out chunk);
        }
    }

    /// <summary>Writer: the chunk is written (or discarded); its bytes leave the budgets.</summary>
    internal void Release(QlogChunk chunk)
    {
        Interlocked.Add(ref _bufferedBytes, -chunk.Length);
        _writer.AddBuffered(-chunk.Length);
        _writer.ReturnChunk(chunk.Array);
    }

    /// <summary>Writer: completed and nothing left to write.</summary>
    internal bool IsDrained()
    {
        lock (_gate)
        {
            return _completed && _ready.Count == 0 && _current is null;
        }
    }

    /// <summary>Queues this sink for the writer once; further calls before the writer picks it up do nothing.</summary>
    internal void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _writer.Enqueue(this);
        }
    }

    /// <summary>Writer: about to drain; later appends schedule again.</summary>
    internal void ClearScheduled() => Volatile.Write(ref _scheduled, 0);

    private bool SealCurrentLocked()
    {
        if (_current is null)
        {
            return false;
        }

        if (_currentLength == 0)
        {
            _writer.ReturnChunk(_current);
            _current = null;
            return false;
        }

        _ready.Enqueue(new QlogChunk(_current, _currentLength));
        _current = null;
        _currentLength = 0;
        return true;
    }
}

/// <summary>A pooled buffer holding <see cref="Length"/> bytes of consecutive records.</summary>
internal readonly record struct QlogChunk(byte[] Array, int Length);
