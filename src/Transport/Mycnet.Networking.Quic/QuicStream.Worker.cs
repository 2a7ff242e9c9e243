using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Driver;

namespace Mycnet.Networking.Quic;

/// <content>
/// The stream's side on the connection's worker: requests from the application are applied to the
/// core stream, and core events (readable, writable, acknowledged, reset, stop-sending, connection
/// closed) complete the pending operations. Only the worker calls into the core, and it never calls
/// a direction it knows is finished, so the core's forgetting of closed streams is never observed.
/// </content>
public sealed partial class QuicStream : IConnectionWork
{
    // Worker-only state.
    private ReadState _readState;
    private WriteState _writeState;
    private long _peerErrorCode;
    private QuicException? _connectionError;
    private int _writeOffset;

    private enum ReadState
    {
        Open,
        EndOfStream,
        Aborted,
        PeerReset,
        ConnectionClosed,
        NotApplicable,
    }

    private enum WriteState
    {
        Open,
        Finishing,
        Finished,
        Aborted,
        Stopped,
        ConnectionClosed,
        NotApplicable,
    }

    private Connection Core => _driver.Core;

    private ulong StreamId => (ulong)Id;

    void IConnectionWork.Execute(ConnectionDriver driver, Instant now)
    {
        long abortRead;
        long abortWrite;
        bool completeWrites;
        bool dispose;
        lock (_gate)
        {
            _queued = false;
            abortRead = _abortReadCode;
            abortWrite = _abortWriteCode;
            completeWrites = _completeWritesRequested;
            dispose = _disposeRequested;
        }

        if (abortRead >= 0)
        {
            AbortRead(abortRead, new QuicException(QuicError.OperationAborted, null, $"Reading stream {Id} was aborted locally."));
        }

        if (abortWrite >= 0)
        {
            AbortWrite(abortWrite, new QuicException(QuicError.OperationAborted, null, $"Writing stream {Id} was aborted locally."));
        }

        ServiceWrite(now);
        if (completeWrites && !IsWritePending())
        {
            FinishWrites();
        }

        ServiceRead(now);
        if (dispose)
        {
            DisposeOnWorker();
        }

        TryRelease();
    }

    void IConnectionWork.Fail(Exception exception)
    {
        // The connection is gone (its worker no longer runs) or the work threw; a stream read to its
        // end still reports the end.
        CompleteRead(0, _readState == ReadState.EndOfStream ? null : exception);
        CompleteWrite(exception);
        lock (_gate)
        {
            _disposeCompletion?.TrySetResult();
        }
    }

    /// <summary>Core event: data, the end of the stream or the peer's reset can be read.</summary>
    internal void OnReadable(Instant now) => ServiceRead(now);

    /// <summary>Core event: the send buffer has room again.</summary>
    internal void OnWritable(Instant now)
    {
        ServiceWrite(now);
        bool completeWrites;
        lock (_gate)
        {
            completeWrites = _completeWritesRequested && !_writePending;
        }

        if (completeWrites)
        {
            FinishWrites();
        }
    }

    /// <summary>Core event: every byte and the FIN were acknowledged.</summary>
    internal void OnSendFinished()
    {
        if (_writeState is WriteState.Open or WriteState.Finishing)
        {
            _writeState = WriteState.Finished;
            _writesClosed.TrySetResult();
        }

        TryRelease();
    }

    /// <summary>Core event: the peer sent STOP_SENDING; the core answered with RESET_STREAM carrying its code.</summary>
    internal void OnPeerStopSending(long errorCode)
    {
        if (_writeState is not (WriteState.Open or WriteState.Finishing))
        {
            return;
        }

        _writeState = WriteState.Stopped;
        _peerErrorCode = errorCode;
        var exception = new QuicException(QuicError.StreamAborted, errorCode, $"The peer stopped stream {Id} from being written (STOP_SENDING) with application error code {errorCode}.");
        FaultClosed(_writesClosed, exception);
        CompleteWrite(exception);
        TryRelease();
    }

    /// <summary>The connection ended: everything pending fails with its reason.</summary>
    internal void OnConnectionClosed(QuicException exception)
    {
        _connectionError ??= exception;
        if (_readState == ReadState.Open)
        {
            _readState = ReadState.ConnectionClosed;
            FaultClosed(_readsClosed, exception);
        }

        if (_writeState is WriteState.Open or WriteState.Finishing)
        {
            _writeState = WriteState.ConnectionClosed;
            FaultClosed(_writesClosed, exception);
        }

        CompleteRead(0, exception);
        CompleteWrite(exception);
        lock (_gate)
        {
            _disposeCompletion?.TrySetResult();
        }

        _driver.RemoveStream(this);
    }

    /// <summary>A stream opened for a request that was cancelled meanwhile: give it back at once.</summary>
    internal void AbandonUnclaimed()
    {
        var exception = new QuicException(QuicError.OperationAborted, null, "The stream was not claimed.");
        AbortWrite(_defaultErrorCode, exception);
        AbortRead(_defaultErrorCode, exception);
        TryRelease();
    }

    private void ServiceRead(Instant now)
    {
        Memory<byte> buffer;
        bool cancel;
        CancellationToken token;
        lock (_gate)
        {
            if (!_readPending)
            {
                return;
            }

            buffer = _readBuffer;
            cancel = _readCancelRequested;
            token = _readToken;
        }

        if (cancel)
        {
            CompleteRead(0, new OperationCanceledException(token));
            AbortRead(_defaultErrorCode, new QuicException(QuicError.OperationAborted, null, $"A read of stream {Id} was cancelled; reading was aborted."));
            return;
        }

        switch (_readState)
        {
            case ReadState.EndOfStream:
                CompleteRead(0, null);
                return;
            case ReadState.Aborted:
                CompleteRead(0, new QuicException(QuicError.OperationAborted, null, $"Reading stream {Id} was aborted locally."));
                return;
            case ReadState.PeerReset:
                CompleteRead(0, PeerResetException());
                return;
            case ReadState.ConnectionClosed:
            case ReadState.NotApplicable:
                CompleteRead(0, _connectionError ?? new QuicException(QuicError.OperationAborted, null, "The connection is closed."));
                return;
        }

        if (buffer.IsEmpty)
        {
            // A zero-byte read waits for something to read without consuming it.
            if (Core.IsStreamReadable(StreamId))
            {
                CompleteRead(0, null);
            }

            return;
        }

        StreamReadResult result = Core.ReadStream(StreamId, buffer.Span, now);
        switch (result.Status)
        {
            case StreamReadStatus.Data:
                CompleteRead(result.BytesRead, null);
                break;
            case StreamReadStatus.Finished:
                _readState = ReadState.EndOfStream;
                _readsClosed.TrySetResult();
                CompleteRead(result.BytesRead, null);
                TryRelease();
                break;
            case StreamReadStatus.Reset:
                _readState = ReadState.PeerReset;
                _peerErrorCode = (long)result.ErrorCode;
                QuicException reset = PeerResetException();
                FaultClosed(_readsClosed, reset);
                CompleteRead(0, reset);
                TryRelease();
                break;
        }
    }

    private void ServiceWrite(Instant now)
    {
        ReadOnlyMemory<byte> buffer;
        bool fin;
        bool cancel;
        CancellationToken token;
        lock (_gate)
        {
            if (!_writePending)
            {
                return;
            }

            buffer = _writeBuffer;
            fin = _writeFin;
            cancel = _writeCancelRequested;
            token = _writeToken;
        }

        _ = now;
        if (cancel)
        {
            CompleteWrite(new OperationCanceledException(token));
            AbortWrite(_defaultErrorCode, new QuicException(QuicError.OperationAborted, null, $"A write to stream {Id} was cancelled; writing was aborted."));
            return;
        }

        switch (_writeState)
        {
            case WriteState.Finishing:
            case WriteState.Finished:
                CompleteWrite(buffer.IsEmpty ? null : new InvalidOperationException($"Writes to stream {Id} were completed; it cannot be written any more."));
                return;
            case WriteState.Aborted:
                CompleteWrite(new QuicException(QuicError.OperationAborted, null, $"Writing stream {Id} was aborted locally."));
                return;
            case WriteState.Stopped:
                CompleteWrite(new QuicException(QuicError.StreamAborted, _peerErrorCode, $"The peer stopped stream {Id} from being written (STOP_SENDING) with application error code {_peerErrorCode}."));
                return;
            case WriteState.ConnectionClosed:
            case WriteState.NotApplicable:
                CompleteWrite(_connectionError ?? new QuicException(QuicError.OperationAborted, null, "The connection is closed."));
                return;
        }

        while (_writeOffset < buffer.Length)
        {
            StreamWriteResult result = Core.WriteStream(StreamId, buffer.Span[_writeOffset..]);
            if (result.Status == StreamWriteStatus.Stopped)
            {
                _writeOffset = 0;
                OnPeerStopSending((long)result.ErrorCode);
                return;
            }

            if (result.BytesWritten == 0)
            {
                return; // The send buffer is full: a Writable event follows.
            }

            _writeOffset += result.BytesWritten;
        }

        _writeOffset = 0;
        if (fin)
        {
            FinishWrites();
            if (_writeState == WriteState.Stopped)
            {
                return; // The peer's STOP_SENDING failed the write already.
            }
        }

        CompleteWrite(null);
    }

    /// <summary>Sends FIN after the buffered bytes, once.</summary>
    private void FinishWrites()
    {
        if (_writeState != WriteState.Open)
        {
            return;
        }

        if (Core.FinishStream(StreamId) == StreamWriteStatus.Stopped)
        {
            return; // The peer's STOP_SENDING event reports it.
        }

        _writeState = WriteState.Finishing;
    }

    private void AbortRead(long errorCode, QuicException reason)
    {
        if (_readState != ReadState.Open)
        {
            return;
        }

        Core.StopReading(StreamId, (ulong)errorCode);
        _readState = ReadState.Aborted;
        FaultClosed(_readsClosed, reason);
        CompleteRead(0, reason);
    }

    private void AbortWrite(long errorCode, QuicException reason)
    {
        if (_writeState is not (WriteState.Open or WriteState.Finishing))
        {
            return;
        }

        Core.ResetStream(StreamId, (ulong)errorCode);
        _writeState = WriteState.Aborted;
        _writeOffset = 0;
        FaultClosed(_writesClosed, reason);
        CompleteWrite(reason);
    }

    private void DisposeOnWorker()
    {
        var disposed = new QuicException(QuicError.OperationAborted, null, $"Stream {Id} was disposed.");
        CompleteWrite(disposed);
        FinishWrites();
        AbortRead(_defaultErrorCode, disposed);
        CompleteRead(0, disposed);
        lock (_gate)
        {
            _disposeCompletion?.TrySetResult();
        }
    }

    /// <summary>Forgets the stream once neither direction can produce an event the application waits for.</summary>
    private void TryRelease()
    {
        bool readDone = _readState is not ReadState.Open;
        bool writeDone = _writeState is not (WriteState.Open or WriteState.Finishing);
        if (readDone && writeDone)
        {
            _driver.RemoveStream(this);
        }
    }

    private bool IsWritePending()
    {
        lock (_gate)
        {
            return _writePending;
        }
    }

    private void CompleteRead(int bytesRead, Exception? error)
    {
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (!_readPending)
            {
                return;
            }

            _readPending = false;
            _readBuffer = default;
            _readCancelRequested = false;
            registration = _readRegistration;
            _readRegistration = default;
        }

        registration.Unregister();
        if (error is null)
        {
            _readOperation.SetResult(bytesRead);
        }
        else
        {
            _readOperation.SetException(error);
        }
    }

    private void CompleteWrite(Exception? error)
    {
        CancellationTokenRegistration registration;
        lock (_gate)
        {
            if (!_writePending)
            {
                return;
            }

            _writePending = false;
            _writeBuffer = default;
            _writeCancelRequested = false;
            registration = _writeRegistration;
            _writeRegistration = default;
        }

        registration.Unregister();
        if (error is null)
        {
            _writeOperation.SetResult(0);
        }
        else
        {
            _writeOperation.SetException(error);
        }
    }

    private QuicException PeerResetException() =>
        new(QuicError.StreamAborted, _peerErrorCode, $"The peer aborted stream {Id} (RESET_STREAM) with application error code {_peerErrorCode}.");

    private static void FaultClosed(TaskCompletionSource closed, Exception exception)
    {
        if (closed.TrySetException(exception))
        {
            _ = closed.Task.Exception; // Observed: nobody has to await ReadsClosed / WritesClosed.
        }
    }
}
