namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>
/// One direction of an in-memory QUIC stream: a bounded byte queue (a stand-in for flow control)
/// with FIN, RESET_STREAM, STOP_SENDING and connection-close semantics. Thread-safe; readers and
/// writers wait on signals, never on sleeps.
/// </summary>
internal sealed class InMemoryPipe
{
    private readonly Lock _gate = new();
    private readonly int _capacity;
    private readonly Queue<byte[]> _chunks = new();
    private int _headOffset;
    private int _buffered;
    private bool _finished;
    private long? _resetCode;
    private long? _stopCode;
    private Exception? _closed;
    private TaskCompletionSource _changed = NewSignal();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InMemoryPipe(int capacity) => _capacity = capacity;

    /// <summary>The code of STOP_SENDING the reader sent, if any.</summary>
    public long? StopCode
    {
        get
        {
            lock (_gate)
            {
                return _stopCode;
            }
        }
    }

    /// <summary>The code of RESET_STREAM the writer sent, if any.</summary>
    public long? ResetCode
    {
        get
        {
            lock (_gate)
            {
                return _resetCode;
            }
        }
    }

    /// <summary>Completes once the reader consumed everything up to FIN; faults on reset, stop or close.</summary>
    public Task Drained => _drained.Task;

    /// <summary>True once the writer sent FIN.</summary>
    public bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _finished;
            }
        }
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_closed is not null)
                {
                    throw new IOException("The connection is closed.", _closed);
                }

                if (_stopCode is { } stop)
                {
                    throw new InMemoryStreamAbortedException(stop, isReset: false, "The peer stopped reading (STOP_SENDING).");
                }

                if (_finished || _resetCode is not null)
                {
                    throw new InvalidOperationException("Writes are already completed on this stream.");
                }

                int room = _capacity - _buffered;
                if (room > 0 || data.Length == 0)
                {
                    int n = Math.Min(room, data.Length);
                    if (n > 0)
                    {
                        _chunks.Enqueue(data[..n].ToArray());
                        _buffered += n;
                        data = data[n..];
                        Signal();
                    }

                    if (data.Length == 0)
                    {
                        return;
                    }
                }

                wait = _changed.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the reader has taken every byte written so far.</summary>
    public async Task WhenConsumedAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_buffered == 0)
                {
                    return;
                }

                wait = _changed.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_resetCode is { } reset)
                {
                    throw new InMemoryStreamAbortedException(reset, isReset: true, "The peer reset the stream (RESET_STREAM).");
                }

                if (_buffered > 0 && destination.Length > 0)
                {
                    int copied = 0;
                    while (copied < destination.Length && _chunks.Count > 0)
                    {
                        byte[] head = _chunks.Peek();
                        int n = Math.Min(head.Length - _headOffset, destination.Length - copied);
                        head.AsMemory(_headOffset, n).CopyTo(destination[copied..]);
                        copied += n;
                        _headOffset += n;
                        if (_headOffset == head.Length)
                        {
                            _chunks.Dequeue();
                            _headOffset = 0;
                        }
                    }

                    _buffered -= copied;
                    if (_buffered == 0 && _finished)
                    {
                        _drained.TrySetResult();
                    }

                    Signal();
                    return copied;
                }

                if (_finished)
                {
                    _drained.TrySetResult();
                    return 0;
                }

                if (_closed is not null)
                {
                    throw new IOException("The connection is closed.", _closed);
                }

                if (destination.Length == 0)
                {
                    return 0;
                }

                wait = _changed.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>FIN: the reader gets 0 after the buffered bytes.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (_resetCode is null)
            {
                _finished = true;
                if (_buffered == 0 && _stopCode is not null)
                {
                    _drained.TrySetException(new InMemoryStreamAbortedException(_stopCode.Value, isReset: false, "The peer stopped reading."));
                }

                Signal();
            }
        }
    }

    /// <summary>RESET_STREAM: buffered bytes are discarded and reads throw with <paramref name="code"/>.</summary>
    public void Reset(long code)
    {
        lock (_gate)
        {
            if (_finished && _buffered == 0)
            {
                return;
            }

            _resetCode ??= code;
            _chunks.Clear();
            _buffered = 0;
            _drained.TrySetException(new InMemoryStreamAbortedException(code, isReset: true, "The stream was reset."));
            Signal();
        }
    }

    /// <summary>STOP_SENDING: writes throw with <paramref name="code"/>; what is buffered is dropped.</summary>
    public void Stop(long code)
    {
        lock (_gate)
        {
            _stopCode ??= code;
            _chunks.Clear();
            _buffered = 0;
            _drained.TrySetException(new InMemoryStreamAbortedException(code, isReset: false, "The peer stopped reading."));
            Signal();
        }
    }

    /// <summary>The connection closed: every pending and later operation fails with an <see cref="IOException"/>.</summary>
    public void Close(Exception reason)
    {
        lock (_gate)
        {
            _closed ??= reason;
            _drained.TrySetException(new IOException("The connection is closed.", reason));
            Signal();
        }
    }

    private void Signal()
    {
        TaskCompletionSource previous = _changed;
        _changed = NewSignal();
        previous.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A stream operation failed because the peer reset the stream or stopped reading it.</summary>
internal sealed class InMemoryStreamAbortedException : IOException
{
    public InMemoryStreamAbortedException(long errorCode, bool isReset, string message)
        : base(message)
    {
        ErrorCode = errorCode;
        IsReset = isReset;
    }

    public InMemoryStreamAbortedException()
    {
    }

    public InMemoryStreamAbortedException(string message)
        : base(message)
    {
    }

    public InMemoryStreamAbortedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public long ErrorCode { get; }

    /// <summary>True for a reset of the receiving side (a read failed), false for STOP_SENDING (a write failed).</summary>
    public bool IsReset { get; }
}
