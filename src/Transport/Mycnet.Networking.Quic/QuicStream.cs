using System.Buffers;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Quic.Driver;

namespace Mycnet.Networking.Quic;

/// <summary>
/// A QUIC stream (RFC 9000 §2) as a .NET <see cref="Stream"/>: bidirectional, or unidirectional
/// (readable only by the receiver, writable only by the opener).
/// </summary>
/// <remarks>
/// <para>Semantics follow System.Net.Quic:</para>
/// <list type="bullet">
/// <item><description>A write completes once its bytes are buffered in the engine (at most
/// <c>StreamSendBufferLimit</c>, 1 MiB, unacknowledged per stream); it waits while the buffer is
/// full. <see cref="Flush"/> does nothing: written bytes are already on their way.</description></item>
/// <item><description>A read returns what has arrived, at least one byte, and 0 once the peer's
/// FIN has been read. A zero-byte read waits until data (or the end) is available without
/// consuming it.</description></item>
/// <item><description>One read and one write may be pending at a time; they may run concurrently.</description></item>
/// <item><description>Cancelling a pending read or write aborts that direction with
/// <see cref="QuicConnectionOptions.DefaultStreamErrorCode"/> (STOP_SENDING or RESET_STREAM) and
/// throws <see cref="OperationCanceledException"/>.</description></item>
/// <item><description>The peer's RESET_STREAM fails reads, its STOP_SENDING fails writes, with
/// <see cref="QuicException"/> (<see cref="QuicError.StreamAborted"/>, the peer's code in
/// <see cref="QuicException.ApplicationErrorCode"/>).</description></item>
/// <item><description><see cref="Dispose(bool)"/> completes writes gracefully (sends FIN after
/// the buffered bytes) and, if the stream was not read to its end, aborts reading with
/// <see cref="QuicConnectionOptions.DefaultStreamErrorCode"/>; a pending read or write fails with
/// <see cref="QuicError.OperationAborted"/>. It does not wait for the peer's acknowledgement
/// (<see cref="WritesClosed"/> tells when that happened).</description></item>
/// </list>
/// </remarks>
public sealed partial class QuicStream : Stream
{
    /// <summary>Synchronous reads rent at most this much at once.</summary>
    private const int MaxSynchronousReadChunk = 1 << 20;

    private static readonly Action<object?, CancellationToken> ReadCanceledCallback = static (state, token) => ((QuicStream)state!).OnReadCanceled(token);
    private static readonly Action<object?, CancellationToken> WriteCanceledCallback = static (state, token) => ((QuicStream)state!).OnWriteCanceled(token);

    private readonly ConnectionDriver _driver;
    private readonly bool _canRead;
    private readonly bool _canWrite;
    private readonly long _defaultErrorCode;
    private readonly Lock _gate = new();
    private readonly StreamOperationSource _readOperation = new();
    private readonly StreamOperationSource _writeOperation = new();
    private readonly TaskCompletionSource _readsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Requests from the application, guarded by _gate.
    private bool _queued;
    private bool _readPending;
    private Memory<byte> _readBuffer;
    private CancellationToken _readToken;
    private CancellationTokenRegistration _readRegistration;
    private bool _readCancelRequested;
    private bool _writePending;
    private ReadOnlyMemory<byte> _writeBuffer;
    private bool _writeFin;
    private CancellationToken _writeToken;
    private CancellationTokenRegistration _writeRegistration;
    private bool _writeCancelRequested;
    private bool _completeWritesRequested;
    private long _abortReadCode = -1;
    private long _abortWriteCode = -1;
    private bool _disposeRequested;
    private TaskCompletionSource? _disposeCompletion;
    private volatile bool _disposed;

    internal QuicStream(ConnectionDriver driver, long id, bool isLocal)
    {
        _driver = driver;
        Id = id;
        IsLocal = isLocal;
        Type = (id & 0x2) == 0 ? QuicStreamType.Bidirectional : QuicStreamType.Unidirectional;
        _canRead = Type == QuicStreamType.Bidirectional || !isLocal;
        _canWrite = Type == QuicStreamType.Bidirectional || isLocal;
        _defaultErrorCode = driver.DefaultStreamErrorCode;
        _readState = _canRead ? ReadState.Open : ReadState.NotApplicable;
        _writeState = _canWrite ? WriteState.Open : WriteState.NotApplicable;
        if (!_canRead)
        {
            _readsClosed.TrySetResult();
        }

        if (!_canWrite)
        {
            _writesClosed.TrySetResult();
        }
    }

    /// <summary>The stream ID (RFC 9000 §2.1).</summary>
    public long Id { get; }

    /// <summary>Whether the stream is bidirectional or unidirectional.</summary>
    public QuicStreamType Type { get; }

    /// <summary>
    /// Completes when reading is over: the peer's FIN has been read. Faults with
    /// <see cref="QuicException"/> when reading ended otherwise (the peer reset the stream, reading
    /// was aborted or cancelled locally, the connection closed). Completed at once for a stream this
    /// side cannot read.
    /// </summary>
    public Task ReadsClosed => _readsClosed.Task;

    /// <summary>
    /// Completes when writing is over: every byte and the FIN were acknowledged by the peer. Faults
    /// with <see cref="QuicException"/> when writing ended otherwise (the peer sent STOP_SENDING,
    /// writing was aborted or cancelled locally, the connection closed). Completed at once for a
    /// stream this side cannot write.
    /// </summary>
    public Task WritesClosed => _writesClosed.Task;

    /// <inheritdoc/>
    public override bool CanRead => _canRead && !_disposed;

    /// <inheritdoc/>
    public override bool CanWrite => _canWrite && !_disposed;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanTimeout => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("A QUIC stream has no length.");

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException("A QUIC stream cannot seek.");
        set => throw new NotSupportedException("A QUIC stream cannot seek.");
    }

    /// <summary>Whether this side opened the stream.</summary>
    internal bool IsLocal { get; }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A QUIC stream cannot seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException("A QUIC stream has no length.");

    /// <summary>Does nothing: written bytes are handed to the engine by the write itself.</summary>
    public override void Flush() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Does nothing: written bytes are handed to the engine by the write itself.</summary>
    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return Read(buffer.AsSpan(offset, count));
    }

    /// <summary>Reads synchronously, blocking the calling thread until data, the end or an error arrives.</summary>
    public override int Read(Span<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Clamp(buffer.Length, 1, MaxSynchronousReadChunk));
        try
        {
            int length = Math.Min(buffer.Length, rented.Length);
            ValueTask<int> read = ReadAsync(rented.AsMemory(0, length), CancellationToken.None);
            int n = read.IsCompletedSuccessfully ? read.Result : read.AsTask().GetAwaiter().GetResult();
            rented.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>Reads what has arrived (at least one byte), 0 at the end of the stream.</summary>
    /// <exception cref="QuicException">The peer reset the stream, reading was aborted, or the connection closed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; reading is then aborted with the default stream error code.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_canRead)
        {
            throw new InvalidOperationException($"Stream {Id} is a unidirectional stream this side opened: it cannot be read.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        if (IsMsQuic)
        {
            return _msquic.ReadAsync(buffer, cancellationToken);
        }

        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(ReadCanceledCallback, this)
            : default;
        short version;
        bool post;
        lock (_gate)
        {
            if (_readPending)
            {
                registration.Unregister();
                throw ConcurrentOperation(Id, "read");
            }

            _readOperation.Reset();
            version = _readOperation.Version;
            _readPending = true;
            _readBuffer = buffer;
            _readToken = cancellationToken;
            _readRegistration = registration;
            _readCancelRequested = cancellationToken.IsCancellationRequested;
            post = MarkQueued();
        }

        Schedule(post);
        return new ValueTask<int>(_readOperation, version);
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        Write(buffer.AsSpan(offset, count));
    }

    /// <summary>Writes synchronously, blocking the calling thread until the bytes are buffered.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, buffer.Length));
        try
        {
            buffer.CopyTo(rented);
            ValueTask write = WriteAsync(rented.AsMemory(0, buffer.Length), completeWrites: false, CancellationToken.None);
            if (!write.IsCompletedSuccessfully)
            {
                write.AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), completeWrites: false, cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        WriteAsync(buffer, completeWrites: false, cancellationToken);

    /// <summary>
    /// Writes <paramref name="buffer"/>; with <paramref name="completeWrites"/> the FIN follows it
    /// (the same as calling <see cref="CompleteWrites"/> afterwards, in one step). Completes once the
    /// bytes are buffered in the engine.
    /// </summary>
    /// <exception cref="QuicException">The peer sent STOP_SENDING, writing was aborted, or the connection closed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; writing is then aborted with the default stream error code.</exception>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, bool completeWrites, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_canWrite)
        {
            throw new InvalidOperationException($"Stream {Id} is a unidirectional stream the peer opened: it cannot be written.");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        if (buffer.IsEmpty && !completeWrites)
        {
            return ValueTask.CompletedTask;
        }

        if (IsMsQuic)
        {
            return _msquic.WriteAsync(buffer, completeWrites, cancellationToken);
        }

        CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(WriteCanceledCallback, this)
            : default;
        short version;
        bool post;
        lock (_gate)
        {
            if (_writePending)
            {
                registration.Unregister();
                throw ConcurrentOperation(Id, "write");
            }

            _writeOperation.Reset();
            version = _writeOperation.Version;
            _writePending = true;
            _writeBuffer = buffer;
            _writeFin = completeWrites;
            _writeToken = cancellationToken;
            _writeRegistration = registration;
            _writeCancelRequested = cancellationToken.IsCancellationRequested;
            post = MarkQueued();
        }

        Schedule(post);
        return new ValueTask(_writeOperation, version);
    }

    /// <summary>
    /// Ends the writing side gracefully: FIN follows the bytes written so far (after a pending write,
    /// if any). Idempotent.
    /// </summary>
    public void CompleteWrites()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_canWrite)
        {
            throw new InvalidOperationException($"Stream {Id} is a unidirectional stream the peer opened: it cannot be written.");
        }

        if (IsMsQuic)
        {
            _msquic.CompleteWrites();
            return;
        }

        bool post;
        lock (_gate)
        {
            _completeWritesRequested = true;
            post = MarkQueued();
        }

        Schedule(post);
    }

    /// <summary>
    /// Abandons reading (STOP_SENDING), writing (RESET_STREAM) or both, with
    /// <paramref name="errorCode"/> for the peer. Pending operations of that direction fail with
    /// <see cref="QuicError.OperationAborted"/>. Directions already finished are left alone.
    /// </summary>
    public void Abort(QuicAbortDirection abortDirection, long errorCode)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (errorCode < 0 || (ulong)errorCode > VarInt.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(errorCode), errorCode, "An application error code is between 0 and 2^62-1.");
        }

        if ((abortDirection & ~QuicAbortDirection.Both) != 0 || abortDirection == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(abortDirection), abortDirection, "Read, Write or Both.");
        }

        if (IsMsQuic)
        {
            _msquic.Abort(abortDirection, errorCode);
            return;
        }

        bool post;
        lock (_gate)
        {
            if ((abortDirection & QuicAbortDirection.Read) != 0 && _canRead && _abortReadCode < 0)
            {
                _abortReadCode = errorCode;
            }

            if ((abortDirection & QuicAbortDirection.Write) != 0 && _canWrite && _abortWriteCode < 0)
            {
                _abortWriteCode = errorCode;
            }

            post = MarkQueued();
        }

        Schedule(post);
    }

    /// <summary>Completes writes gracefully and aborts unfinished reading; waits until the engine took both.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (IsMsQuic)
        {
            DisposeMsQuic();
            GC.SuppressFinalize(this);
            return;
        }

        TaskCompletionSource? completion = RequestDispose();
        if (completion is not null)
        {
            await completion.Task.ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public override string ToString() => $"QuicStream {Id} ({Type}, {(IsLocal ? "local" : "remote")})";

    /// <summary>Completes writes gracefully and aborts unfinished reading (see the remarks on <see cref="QuicStream"/>).</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (IsMsQuic)
            {
                DisposeMsQuic();
            }
            else
            {
                RequestDispose();
            }
        }

        base.Dispose(disposing);
    }

    private TaskCompletionSource? RequestDispose()
    {
        bool post;
        TaskCompletionSource completion;
        lock (_gate)
        {
            if (_disposeRequested)
            {
                return _disposeCompletion;
            }

            _disposeRequested = true;
            _disposed = true;
            completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _disposeCompletion = completion;
            post = MarkQueued();
        }

        Schedule(post);
        return completion;
    }

    private void OnReadCanceled(CancellationToken token)
    {
        bool post;
        lock (_gate)
        {
            if (!_readPending || _readToken != token)
            {
                return;
            }

            _readCancelRequested = true;
            post = MarkQueued();
        }

        Schedule(post);
    }

    private void OnWriteCanceled(CancellationToken token)
    {
        bool post;
        lock (_gate)
        {
            if (!_writePending || _writeToken != token)
            {
                return;
            }

            _writeCancelRequested = true;
            post = MarkQueued();
        }

        Schedule(post);
    }

    /// <summary>Marks the stream queued for its connection's worker; true when the caller must post it (under <see cref="_gate"/>).</summary>
    private bool MarkQueued()
    {
        if (_queued)
        {
            return false;
        }

        _queued = true;
        return true;
    }

    private void Schedule(bool post)
    {
        if (post)
        {
            _driver.PostInline(this);
        }
    }
}
