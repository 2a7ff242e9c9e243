using System.Buffers;
using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Driver;

/// <summary>
/// The one owner of a core <see cref="Connection"/>: an operation queue drained by one worker at a
/// time, after msquic's connection worker.
/// </summary>
/// <remarks>
/// <para>Design. Everything that touches the connection — datagrams from the socket's receive
/// loop, timer expiries, application commands from any thread — is queued here under a short lock
/// and the connection is scheduled on the thread pool if it is not already. The worker
/// (<see cref="Execute"/>) swaps the queues out and runs a pass: feed datagrams, handle a due
/// timeout, translate core events into completions (stream reads and writes, accepted streams,
/// datagrams, closure), run the queued commands, sync the endpoint's routing, send what the core
/// produced, then re-arm the one timer at <see cref="Connection.GetNextDeadline"/>. It loops while
/// more work arrived and then releases the connection, so connections spread over the thread pool
/// and one connection never runs on two threads. Completions run their continuations
/// asynchronously, so no application code runs inside a pass.</para>
/// <para>Lock order: the endpoint lock may be taken while enqueuing here (the receive loop), so a
/// pass never holds <see cref="_sync"/> while it takes the endpoint lock.</para>
/// <para>Pacing and other deadlines shorter than the timer's resolution are met by requeuing the
/// worker on the thread pool (real clock only) rather than arming a millisecond timer.</para>
/// </remarks>
internal sealed partial class ConnectionDriver : IThreadPoolWorkItem
{
    /// <summary>Received bytes that may wait for the worker; beyond it datagrams are dropped like a full socket buffer.</summary>
    private const long MaxInboundBytes = 16 << 20;

    /// <summary>Transmits sent per pass before received datagrams (acknowledgements) get a turn.</summary>
    private const int MaxTransmitsPerPass = 32;

    /// <summary>The transmit buffer: a whole GSO batch, below the 64 KiB limit of one UDP send.</summary>
    private const int TransmitBufferSize = 64000;

    /// <summary>Deadlines closer than this are met by requeuing instead of a timer (real clock only).</summary>
    private static readonly TimeSpan SpinThreshold = TimeSpan.FromMilliseconds(0.5);

    /// <summary>The shortest timer armed for a deadline that is already due but made no progress.</summary>
    private static readonly TimeSpan StaleDeadlineBackoff = TimeSpan.FromMilliseconds(1);

    [ThreadStatic]
    private static ConnectionDriver? t_current;

    private readonly Lock _sync = new();
    private readonly Queue<IConnectionWork> _work = new();
    private readonly List<IConnectionWork> _workBatch = [];
    private List<InboundDatagram> _inbound = [];
    private List<InboundDatagram> _inboundBatch = [];
    private long _inboundBytes;
    private bool _scheduled;
    private bool _wake;
    private bool _finished;

    private long _sendCalls;
    private IPEndPoint? _lastLocal;
    private readonly Microsoft.Extensions.Logging.ILogger? _logger;
    private readonly Instant _startedAt;
    private ITimer? _timer;
    private Instant _armedDeadline = Instant.MaxValue;
    private int _staleDeadlinePasses;

    public ConnectionDriver(EndpointDriver endpoint, QuicConnection owner, QuicConnectionOptions options, bool isServer)
    {
        Endpoint = endpoint;
        Owner = owner;
        Clock = endpoint.Clock;
        IsServer = isServer;
        DefaultStreamErrorCode = options.DefaultStreamErrorCode;
        DefaultCloseErrorCode = options.DefaultCloseErrorCode;
        DatagramReceiveEnabled = options.DatagramReceiveEnabled;
        _datagramsReceived = CreateDatagramChannel();
        _logger = Tracing.DiagnosticsRegistry.Logger(options);
        _startedAt = Clock.Now;
    }

    public EndpointDriver Endpoint { get; }

    public QuicConnection Owner { get; }

    public DriverClock Clock { get; }

    public bool IsServer { get; }

    public long DefaultStreamErrorCode { get; }

    public long DefaultCloseErrorCode { get; }

    public bool DatagramReceiveEnabled { get; }

    /// <summary>The local address the last datagram arrived on (the socket's packet information), null before any.</summary>
    public IPEndPoint? LastLocalEndPoint => Volatile.Read(ref _lastLocal);

    /// <summary>Whether this server connection holds a slot of its listener's backlog (false for refused ones).</summary>
    public bool CountsAgainstBacklog { get; set; }

    /// <summary>The driver whose pass runs on this thread (the server's client-certificate callback needs its connection).</summary>
    public static ConnectionDriver? Current => t_current;

    /// <summary>The core connection; set once by <see cref="Attach"/>, used only by the worker afterwards.</summary>
    public Connection Core { get; private set; } = null!;

    /// <summary>Binds the core connection this driver owns (before it is first scheduled).</summary>
    public void Attach(Connection core)
    {
        Core = core;
        LocalEndPointSnapshot = core.LocalEndPoint;
        RemoteEndPointSnapshot = core.RemoteEndPoint;
    }

    /// <summary>
    /// Input from the receive loop: datagrams for this connection. When no worker owns the
    /// connection the pass runs right here, on the receive loop's thread, straight from the socket's
    /// buffer; otherwise they are copied into the queue for the owner.
    /// </summary>
    public void DeliverDatagrams(Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        bool schedule = false;
        _lastLocal = local;
        lock (_sync)
        {
            if (_finished)
            {
                return;
            }

            if (_scheduled)
            {
                if (_inboundBytes + data.Length > MaxInboundBytes)
                {
                    return; // Like a full socket buffer: QUIC's recovery resends what mattered.
                }

                byte[] buffer = Endpoint.InboundBuffers.Rent(data.Length);
                data.CopyTo(buffer);
                _inbound.Add(new InboundDatagram(buffer, data.Length, segmentSize, local, remote, ecn));
                _inboundBytes += data.Length;
                return;
            }

            _scheduled = true;
        }

        PassOutcome outcome;
        ConnectionDriver? previous = t_current;
        t_current = this;
        try
        {
            outcome = RunPass(new DirectDatagrams(data, segmentSize, local, remote, ecn));
        }
        finally
        {
            t_current = previous;
        }

        if (outcome == PassOutcome.Requeue)
        {
            RequestAnotherPass();
            schedule = true;
        }
        else
        {
            Drain();
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Queues work from the engine's side (listener, timers); a worker on the thread pool runs it.</summary>
    public void Post(IConnectionWork work) => Post(work, runInline: false);

    /// <summary>
    /// Queues application work and, when no worker owns the connection, runs the pass on the
    /// calling thread: a read of data already received or a write with room completes synchronously.
    /// </summary>
    public void PostInline(IConnectionWork work) => Post(work, runInline: true);

    /// <summary>Asks the worker for a pass even without new input (after creation, on timer expiry).</summary>
    public void Wake()
    {
        bool schedule;
        lock (_sync)
        {
            if (_finished)
            {
                return;
            }

            _wake = true;
            schedule = !_scheduled;
            _scheduled = true;
        }

        if (schedule)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>The worker on the thread pool.</summary>
    public void Execute() => Drain();

    private void Post(IConnectionWork work, bool runInline)
    {
        bool start = false;
        bool finished;
        lock (_sync)
        {
            finished = _finished;
            if (!finished)
            {
                _work.Enqueue(work);
                start = !_scheduled;
                _scheduled = true;
            }
        }

        if (finished)
        {
            work.Fail(FinishedException());
        }
        else if (start && runInline)
        {
            Drain();
        }
        else if (start)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Passes until no work is left, then releases the connection. The caller owns it (set <see cref="_scheduled"/>).</summary>
    private void Drain()
    {
        ConnectionDriver? previous = t_current;
        t_current = this;
        try
        {
            while (true)
            {
                lock (_sync)
                {
                    if (_finished)
                    {
                        _scheduled = false;
                        ReleaseInbound(_inbound);
                        return;
                    }

                    if (_inbound.Count == 0 && _work.Count == 0 && !_wake)
                    {
                        _scheduled = false;
                        return;
                    }

                    (_inbound, _inboundBatch) = (_inboundBatch, _inbound);
                    _inboundBytes = 0;
                    while (_work.TryDequeue(out IConnectionWork? work))
                    {
                        _workBatch.Add(work);
                    }

                    _wake = false;
                }

                if (RunPass(default) == PassOutcome.Requeue)
                {
                    // A deadline below the timer's resolution: give other work items a turn, then come back.
                    RequestAnotherPass();
                    ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                    return;
                }
            }
        }
        finally
        {
            t_current = previous;
        }
    }

    private PassOutcome RunPass(DirectDatagrams direct)
    {
        Instant now = Clock.Now;
        try
        {
            foreach (InboundDatagram datagram in _inboundBatch)
            {
                Feed(now, datagram.Buffer.AsSpan(0, datagram.Length), datagram.SegmentSize, datagram.Local, datagram.Remote, datagram.Ecn);
            }

            if (!direct.Data.IsEmpty)
            {
                Feed(now, direct.Data, direct.SegmentSize, direct.Local!, direct.Remote!, direct.Ecn);
            }

            ReleaseInbound(_inboundBatch);
            if (Core.GetNextDeadline() <= now)
            {
                Core.HandleTimeout(now);
            }

            ProcessEvents(now);
            foreach (IConnectionWork work in _workBatch)
            {
                RunWork(work, now);
            }

            _workBatch.Clear();
            ProcessEvents(now);
            Endpoint.SyncRouting(Core);
            bool more = Flush(now);
            if (RetryPendingDatagrams())
            {
                more |= Flush(now);
            }

            ProcessEvents(now);
            CompleteCloseWaiters();
            TakeSnapshot();
            if (Core.State == ConnectionState.Terminated)
            {
                Finish();
                return PassOutcome.Done;
            }

            if (more)
            {
                RequestAnotherPass();
                return PassOutcome.Done;
            }

            return ArmTimer();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in the engine or the driver: never leave the application waiting on a dead worker.
            ReleaseInbound(_inboundBatch);
            foreach (IConnectionWork work in _workBatch)
            {
                work.Fail(e);
            }

            _workBatch.Clear();
            Abort(new QuicException(QuicError.InternalError, null, $"The connection failed inside the QUIC engine: {e.Message}", e));
            return PassOutcome.Done;
        }
    }

    private void Feed(Instant now, Span<byte> data, int segmentSize, IPEndPoint local, IPEndPoint remote, EcnCodepoint ecn)
    {
        int segment = segmentSize <= 0 ? data.Length : segmentSize;
        for (int offset = 0; offset < data.Length; offset += segment)
        {
            Core.HandleDatagram(now, local, remote, data.Slice(offset, Math.Min(segment, data.Length - offset)), ecn);
        }
    }

    private void ReleaseInbound(List<InboundDatagram> datagrams)
    {
        foreach (InboundDatagram datagram in datagrams)
        {
            Endpoint.InboundBuffers.Return(datagram.Buffer);
        }

        datagrams.Clear();
    }

    private void RunWork(IConnectionWork work, Instant now)
    {
        try
        {
            work.Execute(this, now);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or QuicException)
        {
            // Misuse reported by the core (a closed stream, a datagram too large): the caller's error.
            work.Fail(e);
        }
    }

    /// <summary>Sends what the core has; true when it stopped at the per-pass bound with more to send.</summary>
    private bool Flush(Instant now)
    {
        if (Core.State == ConnectionState.Terminated)
        {
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(TransmitBufferSize);
        try
        {
            Span<byte> room = buffer.AsSpan(0, TransmitBufferSize);
            for (int i = 0; i < MaxTransmitsPerPass; i++)
            {
                if (!Core.TryPollTransmit(now, room, out Transmit transmit))
                {
                    return false;
                }

                Endpoint.Socket.Send(room[..transmit.Length], transmit.SegmentSize, transmit.Local, transmit.Remote, transmit.Ecn);
                _sendCalls++; // The worker's own; statistics read it through the snapshot.
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private enum PassOutcome
    {
        Done,
        Requeue,
    }

    /// <summary>Datagrams a pass takes straight from the socket's buffer (the inline path).</summary>
    private readonly ref struct DirectDatagrams(Span<byte> data, int segmentSize, IPEndPoint? local, IPEndPoint? remote, EcnCodepoint ecn)
    {
        public Span<byte> Data { get; } = data;

        public int SegmentSize { get; } = segmentSize;

        public IPEndPoint? Local { get; } = local;

        public IPEndPoint? Remote { get; } = remote;

        public EcnCodepoint Ecn { get; } = ecn;
    }
}
