using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading.Channels;
using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <content>
/// Core events turned into completions: the handshake, peer streams, stream readiness, datagrams,
/// and the end of the connection (every waiter fails with one <see cref="QuicException"/>).
/// </content>
internal sealed partial class ConnectionDriver
{
    private readonly Dictionary<long, QuicStream> _streams = [];
    private readonly Channel<QuicStream> _acceptedStreams = Channel.CreateUnbounded<QuicStream>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly Channel<ReadOnlyMemory<byte>> _datagramsReceived;
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<TaskCompletionSource> _closeWaiters = [];
    private readonly Lock _snapshotLock = new();
    private ConnectionStats _stats;
    private long _sendCallsSnapshot;
    private volatile QuicException? _closeException;
    private volatile int _maxDatagramSize;
    private bool _handshakeCompleted;

    /// <summary>Completes when the handshake completes; faults with the reason it failed.</summary>
    public Task Connected => _connected.Task;

    /// <summary>Completes when the connection is finished and released.</summary>
    public Task Terminated => _terminated.Task;

    /// <summary>Why the connection ended; null while it is open.</summary>
    public QuicException? CloseException => _closeException;

    /// <summary>Peer-opened streams, waiting for <see cref="QuicConnection.AcceptInboundStreamAsync"/>.</summary>
    public ChannelReader<QuicStream> AcceptedStreams => _acceptedStreams.Reader;

    /// <summary>Received datagrams, waiting for <see cref="QuicConnection.ReceiveDatagramAsync"/>.</summary>
    public ChannelReader<ReadOnlyMemory<byte>> DatagramsReceived => _datagramsReceived.Reader;

    public SslApplicationProtocol NegotiatedApplicationProtocol { get; private set; }

    public TlsCipherSuite NegotiatedCipherSuite { get; private set; }

    public X509Certificate2? RemoteCertificate { get; private set; }

    public string? ServerName { get; private set; }

    public IPEndPoint? LocalEndPointSnapshot { get; private set; }

    public IPEndPoint? RemoteEndPointSnapshot { get; private set; }

    /// <summary>The largest datagram payload the peer accepts now, 0 when it accepts none (as of the last pass).</summary>
    public int MaxDatagramSizeSnapshot => _maxDatagramSize;

    /// <summary>
    /// The engine's counters and the socket send calls, both as of the last pass (taken together,
    /// so datagrams and send calls always describe the same moment).
    /// </summary>
    public (ConnectionStats Stats, long SendCalls) StatisticsSnapshot
    {
        get
        {
            lock (_snapshotLock)
            {
                return (_stats, _sendCallsSnapshot);
            }
        }
    }

    /// <summary>A stream by id, for the worker.</summary>
    public bool TryGetStream(long id, out QuicStream? stream) => _streams.TryGetValue(id, out stream);

    /// <summary>Registers a stream the worker opened or accepted.</summary>
    public void AddStream(QuicStream stream) => _streams[stream.Id] = stream;

    /// <summary>Forgets a stream whose both directions are done.</summary>
    public void RemoveStream(QuicStream stream) => _streams.Remove(stream.Id);

    private Channel<ReadOnlyMemory<byte>> CreateDatagramChannel() =>
        Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(128) { FullMode = BoundedChannelFullMode.DropOldest, SingleWriter = true });

    private void ProcessEvents(Instant now)
    {
        while (Core.TryPollEvent(out ConnectionEvent e))
        {
            QuicStream? stream;
            switch (e.Kind)
            {
                case ConnectionEventKind.Connected:
                    OnConnected();
                    break;
                case ConnectionEventKind.StreamOpened:
                    stream = new QuicStream(this, e.StreamId, isLocal: false);
                    AddStream(stream);
                    _acceptedStreams.Writer.TryWrite(stream);
                    break;
                case ConnectionEventKind.StreamReadable:
                    if (_streams.TryGetValue(e.StreamId, out stream))
                    {
                        stream.OnReadable(now);
                    }

                    break;
                case ConnectionEventKind.StreamWritable:
                    if (_streams.TryGetValue(e.StreamId, out stream))
                    {
                        stream.OnWritable(now);
                    }

                    break;
                case ConnectionEventKind.StreamFinished:
                    if (_streams.TryGetValue(e.StreamId, out stream))
                    {
                        stream.OnSendFinished();
                    }

                    break;
                case ConnectionEventKind.StreamReset:
                    if (_streams.TryGetValue(e.StreamId, out stream))
                    {
                        stream.OnReadable(now);
                    }

                    break;
                case ConnectionEventKind.StreamStopSending:
                    if (_streams.TryGetValue(e.StreamId, out stream))
                    {
                        stream.OnPeerStopSending((long)e.ErrorCode);
                    }

                    break;
                case ConnectionEventKind.StreamsAvailable:
                    ServiceOpenWaiters(e.Bidirectional);
                    break;
                case ConnectionEventKind.DatagramReceived:
                    while (Core.TryReadDatagram(out byte[] datagram))
                    {
                        _datagramsReceived.Writer.TryWrite(datagram);
                    }

                    break;
                case ConnectionEventKind.PingAcknowledged:
                    OnPingAcknowledged(now, e.AckDelay);
                    break;
                case ConnectionEventKind.Closed:
                    OnClosed(_closeException ?? QuicErrorMapping.FromCloseInfo(Core.CloseInfo));
                    break;
            }
        }
    }

    private string Role => IsServer ? "server" : "client";

    private void OnConnected()
    {
        _handshakeCompleted = true;
        if (Core.ApplicationProtocol is { } alpn)
        {
            NegotiatedApplicationProtocol = new SslApplicationProtocol(alpn);
        }

        if (Core.CipherSuite is { } suite)
        {
            // The TLS 1.3 code points (RFC 9846 §B.4) are the values of both enums.
            NegotiatedCipherSuite = (TlsCipherSuite)(ushort)suite;
        }

        if (Core.PeerCertificate is { } certificate)
        {
            RemoteCertificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
        }

        ServerName = Core.ServerName;

        if (_logger is not null)
        {
            Diagnostics.QuicLog.ConnectionEstablished(
                _logger, Role, Core.InitialSourceConnectionId.ToString(), Core.RemoteEndPoint, (Clock.Now - _startedAt).TotalMilliseconds, Core.ApplicationProtocol, Core.CipherSuite?.ToString());
        }

        // Before anyone can see the connection: its datagram size and addresses are known now.
        TakeSnapshot();
        _connected.TrySetResult();
        if (IsServer)
        {
            Endpoint.OnServerConnectionEstablished(this);
        }
    }

    /// <summary>The connection is closing or closed: every waiter fails with <paramref name="exception"/>.</summary>
    private void OnClosed(QuicException exception)
    {
        bool first = _closeException is null;
        _closeException ??= exception;
        exception = _closeException;
        if (first && _logger is not null)
        {
            string reason = Core.CloseInfo?.ToString() ?? exception.Message;
            if (_handshakeCompleted)
            {
                Diagnostics.QuicLog.ConnectionClosed(_logger, Role, Core.InitialSourceConnectionId.ToString(), Core.RemoteEndPoint, reason);
            }
            else
            {
                Diagnostics.QuicLog.HandshakeFailed(_logger, Role, Core.InitialSourceConnectionId.ToString(), Core.RemoteEndPoint, reason);
            }
        }

        if (!_connected.Task.IsCompleted)
        {
            _connected.TrySetException(exception);
            _ = _connected.Task.Exception; // Observed: ConnectAsync reports it.
            if (IsServer && !_handshakeCompleted)
            {
                Endpoint.OnServerHandshakeFailed(this);
            }
        }

        foreach (QuicStream stream in (QuicStream[])[.. _streams.Values])
        {
            stream.OnConnectionClosed(exception);
        }

        FailOpenWaiters(exception);
        FailPendingDatagrams(exception);
        FailPings(exception);
        _acceptedStreams.Writer.TryComplete(exception);
        _datagramsReceived.Writer.TryComplete(exception);
    }

    private void CompleteCloseWaiters()
    {
        if (_closeWaiters.Count == 0 || Core.State is ConnectionState.Handshaking or ConnectionState.Established)
        {
            return;
        }

        foreach (TaskCompletionSource waiter in _closeWaiters)
        {
            waiter.TrySetResult();
        }

        _closeWaiters.Clear();
    }

    private void TakeSnapshot()
    {
        ConnectionStats stats = Core.GetStats();
        lock (_snapshotLock)
        {
            _stats = stats;
            _sendCallsSnapshot = _sendCalls;
        }

        LocalEndPointSnapshot = stats.LocalEndPoint;
        RemoteEndPointSnapshot = stats.RemoteEndPoint;
        _maxDatagramSize = Core.State == ConnectionState.Established ? Core.MaxDatagramPayloadSize : 0;
    }

    /// <summary>Ends the connection at once after a failure inside the worker, without a closing period.</summary>
    private void Abort(QuicException exception)
    {
        _closeException ??= exception;
        try
        {
            if (Core.State is ConnectionState.Handshaking or ConnectionState.Established)
            {
                Core.Close(Clock.Now, (ulong)Math.Max(0, DefaultCloseErrorCode), exception.Message);
                Flush(Clock.Now);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The engine is already broken; the peer will time out.
        }

        Finish();
    }

    /// <summary>Releases the connection: no more work runs, the endpoint forgets it, every waiter fails.</summary>
    private void Finish()
    {
        List<IConnectionWork> orphaned;
        lock (_sync)
        {
            if (_finished)
            {
                return;
            }

            _finished = true;
            orphaned = [.. _work];
            _work.Clear();
            ReleaseInbound(_inbound);
        }

        _timer?.Dispose();
        QuicException exception = _closeException ??= QuicErrorMapping.FromCloseInfo(Core.CloseInfo);
        OnClosed(exception);
        foreach (IConnectionWork work in orphaned)
        {
            work.Fail(exception);
        }

        foreach (TaskCompletionSource waiter in _closeWaiters)
        {
            waiter.TrySetResult();
        }

        _closeWaiters.Clear();
        Endpoint.Remove(this);
        Core.Dispose();
        _terminated.TrySetResult();
    }

    private QuicException FinishedException() =>
        _closeException ?? new QuicException(QuicError.OperationAborted, null, "The connection is closed.");
}
