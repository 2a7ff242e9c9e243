using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <content>
/// Connection-level application commands run by the worker: opening streams (waiting while the
/// peer's stream limit is reached, RFC 9000 §4.6), closing, and sending datagrams (waiting while the
/// core's datagram queue is full).
/// </content>
internal sealed partial class ConnectionDriver
{
    private readonly Queue<OpenStreamRequest>[] _openWaiters = [new(), new()];
    private readonly Queue<DatagramSendRequest> _pendingDatagrams = new();
    private readonly List<PingRequest> _pings = [];

    /// <summary>Opens a stream now or queues the request until the peer allows one more.</summary>
    public void OpenStream(OpenStreamRequest request)
    {
        QuicException? closed = _closeException;
        if (closed is not null)
        {
            request.Fail(closed);
            return;
        }

        _openWaiters[request.Bidirectional ? 1 : 0].Enqueue(request);
        ServiceOpenWaiters(request.Bidirectional);
    }

    /// <summary>Closes the connection with an application error code; the waiter completes once CONNECTION_CLOSE is sent.</summary>
    public void Close(Instant now, long errorCode, TaskCompletionSource waiter)
    {
        if (Core.State is ConnectionState.Handshaking or ConnectionState.Established)
        {
            Core.Close(now, (ulong)errorCode, string.Empty);
            OnClosed(new QuicException(QuicError.OperationAborted, null, $"The connection was closed locally with application error code {errorCode}."));
        }

        _closeWaiters.Add(waiter);
    }

    /// <summary>Closes the connection with CONNECTION_REFUSED (a listener that will not take it); completes once that is sent.</summary>
    public Task Refuse()
    {
        var request = new RefuseRequest();
        Post(request);
        return request.Task;
    }

    /// <summary>The worker's side of <see cref="Refuse"/>.</summary>
    public void RefuseNow(Instant now, TaskCompletionSource waiter)
    {
        if (Core.State is ConnectionState.Handshaking or ConnectionState.Established)
        {
            Core.CloseWithTransportError(now, TransportErrorCode.ConnectionRefused, "The server is not accepting connections.");
        }

        _closeWaiters.Add(waiter);
    }

    /// <summary>Sends a PING; the request completes with the round trip when the core reports it acknowledged.</summary>
    public void Ping(PingRequest request, Instant now)
    {
        if (_closeException is { } closed)
        {
            request.Fail(closed);
            return;
        }

        request.Start(now);
        _pings.Add(request);
        Core.Ping();
    }

    /// <summary>The core's PING was acknowledged: every request made before it completes.</summary>
    private void OnPingAcknowledged(Instant now, TimeSpan peerAckDelay)
    {
        foreach (PingRequest ping in _pings)
        {
            ping.Complete(now, peerAckDelay);
        }

        _pings.Clear();
    }

    private void FailPings(QuicException exception)
    {
        foreach (PingRequest ping in _pings)
        {
            ping.Fail(exception);
        }

        _pings.Clear();
    }

    /// <summary>Queues a datagram in the core, or keeps it until the core's queue has room.</summary>
    public void SendDatagram(DatagramSendRequest request)
    {
        QuicException? closed = _closeException;
        if (closed is not null)
        {
            request.Fail(closed);
            return;
        }

        if (_pendingDatagrams.Count > 0 || !Core.TrySendDatagram(request.Data.Span))
        {
            _pendingDatagrams.Enqueue(request);
            return;
        }

        request.Complete();
    }

    private bool TryOpen(OpenStreamRequest request)
    {
        if (request.IsCompleted)
        {
            return true; // Cancelled while waiting: nothing to open.
        }

        if (!Core.TryOpenStream(request.Bidirectional, out ulong id))
        {
            return false;
        }

        var stream = new QuicStream(this, (long)id, isLocal: true);
        AddStream(stream);
        if (!request.TryComplete(stream))
        {
            // Cancelled after all: give the stream back to the peer at once.
            stream.AbandonUnclaimed();
        }

        return true;
    }

    private void ServiceOpenWaiters(bool bidirectional)
    {
        Queue<OpenStreamRequest> waiters = _openWaiters[bidirectional ? 1 : 0];
        while (waiters.TryPeek(out OpenStreamRequest? request) && TryOpen(request))
        {
            waiters.Dequeue();
        }
    }

    private void FailOpenWaiters(QuicException exception)
    {
        foreach (Queue<OpenStreamRequest> waiters in _openWaiters)
        {
            while (waiters.TryDequeue(out OpenStreamRequest? request))
            {
                request.Fail(exception);
            }
        }
    }

    /// <summary>Moves waiting datagrams into the core; true when any moved (there is something new to send).</summary>
    private bool RetryPendingDatagrams()
    {
        bool moved = false;
        while (_pendingDatagrams.TryPeek(out DatagramSendRequest? request) && Core.State == ConnectionState.Established)
        {
            if (request.IsCompleted)
            {
                _pendingDatagrams.Dequeue();
                continue;
            }

            if (!Core.TrySendDatagram(request.Data.Span))
            {
                break;
            }

            _pendingDatagrams.Dequeue();
            request.Complete();
            moved = true;
        }

        return moved;
    }

    private void FailPendingDatagrams(QuicException exception)
    {
        while (_pendingDatagrams.TryDequeue(out DatagramSendRequest? request))
        {
            request.Fail(exception);
        }
    }
}

/// <summary>A request to open a stream, completed with the stream, an exception or cancellation.</summary>
internal sealed class OpenStreamRequest : IConnectionWork
{
    private readonly TaskCompletionSource<QuicStream> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public OpenStreamRequest(bool bidirectional) => Bidirectional = bidirectional;

    public bool Bidirectional { get; }

    public Task<QuicStream> Task => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void Execute(ConnectionDriver driver, Instant now) => driver.OpenStream(this);

    public bool TryComplete(QuicStream stream) => _completion.TrySetResult(stream);

    public void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A request to close the connection with an application error code.</summary>
internal sealed class CloseRequest : IConnectionWork
{
    private readonly long _errorCode;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public CloseRequest(long errorCode) => _errorCode = errorCode;

    public Task Task => _completion.Task;

    public void Execute(ConnectionDriver driver, Instant now) => driver.Close(now, _errorCode, _completion);

    // Closing a connection that is already gone succeeds: it is closed.
    public void Fail(Exception exception) => _completion.TrySetResult();
}

/// <summary>A request to refuse a connection with CONNECTION_REFUSED.</summary>
internal sealed class RefuseRequest : IConnectionWork
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Task => _completion.Task;

    public void Execute(ConnectionDriver driver, Instant now) => driver.RefuseNow(now, _completion);

    public void Fail(Exception exception) => _completion.TrySetResult();
}

/// <summary>A datagram to queue in the core (RFC 9221).</summary>
internal sealed class DatagramSendRequest : IConnectionWork
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DatagramSendRequest(ReadOnlyMemory<byte> data) => Data = data;

    public ReadOnlyMemory<byte> Data { get; }

    public Task Task => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void Execute(ConnectionDriver driver, Instant now) => driver.SendDatagram(this);

    public void Complete() => _completion.TrySetResult();

    public void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}

/// <summary>A PING sent for <see cref="QuicConnection.PingAsync"/>; completes with the round trip time.</summary>
internal sealed class PingRequest : IConnectionWork
{
    private readonly TaskCompletionSource<TimeSpan> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Instant _sentAt;

    public Task<TimeSpan> Task => _completion.Task;

    public bool IsCompleted => _completion.Task.IsCompleted;

    public void Execute(ConnectionDriver driver, Instant now) => driver.Ping(this, now);

    public void Start(Instant now) => _sentAt = now;

    /// <summary>
    /// Completes with the round trip minus the delay the peer reported before acknowledging, as
    /// RFC 9002 §5.3 adjusts RTT samples (kept whole when the delay exceeds the sample).
    /// </summary>
    public void Complete(Instant now, TimeSpan peerAckDelay)
    {
        TimeSpan elapsed = now - _sentAt;
        _completion.TrySetResult(elapsed > peerAckDelay ? elapsed - peerAckDelay : elapsed);
    }

    public void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
