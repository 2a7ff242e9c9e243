using Mycnet.Networking.Quic.Core.Recovery;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Deadlines: idle timeout (RFC 9000 §10.1), handshake timeout, loss detection and PTO (RFC 9002
/// §6), delayed ACKs (RFC 9000 §13.2.1), pacing (RFC 9002 §7.7), keep-alive, discarding old 1-RTT
/// keys (RFC 9001 §6.5), path validation (RFC 9000 §8.2.4), and the end of closing or draining
/// (§10.2).
/// </content>
internal sealed partial class Connection
{
    /// <summary>Output: when <see cref="HandleTimeout"/> must be called next; <see cref="Instant.MaxValue"/> for never.</summary>
    public Instant GetNextDeadline()
    {
        switch (_state)
        {
            case ConnectionState.Terminated:
                return Instant.MaxValue;
            case ConnectionState.Closing:
            case ConnectionState.Draining:
                return _closeDeadline;
        }

        Instant deadline = Instant.Min(IdleDeadline, _handshakeDeadline);
        deadline = Instant.Min(deadline, _recovery.Loss.Deadline);
        deadline = Instant.Min(deadline, _pacingDeadline);
        deadline = Instant.Min(deadline, KeepAliveDeadline);
        for (int i = 0; i < _spaces.Length; i++)
        {
            PacketSpaceState space = _spaces[i];
            if (!space.IsDiscarded && space.Received.IsAckPending && CanSendInSpace(space.Space))
            {
                deadline = Instant.Min(deadline, space.Received.AckDeadline);
            }
        }

        if (_keys.OneRtt is { } oneRtt)
        {
            deadline = Instant.Min(deadline, oneRtt.PreviousKeysDiscardDeadline);
        }

        foreach (QuicPath path in _paths)
        {
            deadline = Instant.Min(deadline, path.ValidationDeadline);
        }

        return deadline;
    }

    /// <summary>Input: time has reached a deadline. Safe to call early or repeatedly.</summary>
    public void HandleTimeout(Instant now)
    {
        switch (_state)
        {
            case ConnectionState.Terminated:
                return;
            case ConnectionState.Closing:
            case ConnectionState.Draining:
                if (now >= _closeDeadline)
                {
                    Terminate(now);
                }

                return;
        }

        try
        {
            HandleTimeoutCore(now);
        }
        catch (QuicProtocolException e)
        {
            CloseWithError(now, e.ErrorCode, e.FrameType, e.Message);
        }
    }

    private void HandleTimeoutCore(Instant now)
    {
        if (now >= IdleDeadline)
        {
            // §10.1: the connection is silently closed and its state discarded.
            _closeInfo ??= new ConnectionCloseInfo(CloseReason.IdleTimeout, false, (ulong)TransportErrorCode.NoError, 0, "No packets within the idle timeout.");
            _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
            Terminate(now);
            return;
        }

        if (now >= _handshakeDeadline && !_handshakeConfirmed)
        {
            _closeInfo = new ConnectionCloseInfo(CloseReason.HandshakeTimeout, false, (ulong)TransportErrorCode.ConnectionRefused, 0, "The handshake did not complete within the handshake timeout.");
            _events.Enqueue(ConnectionEvent.Of(ConnectionEventKind.Closed));
            Terminate(now);
            return;
        }

        if (now >= _pacingDeadline)
        {
            _pacingDeadline = Instant.MaxValue;
        }

        if (now >= _recovery.Loss.Deadline)
        {
            _lossTime = now;
            LossTimeoutResult result = _recovery.Loss.OnTimeout(now, this);
            if (result.Kind == LossTimeoutKind.Probe && result.AntiDeadlock)
            {
                Space(result.Space).PingPending = true;
            }
            else if (result.Kind == LossTimeoutKind.Probe && result.Space == PacketNumberSpace.ApplicationData)
            {
                QueueOldestStreamDataForProbe();
            }

            _tracer.OnMetricsUpdated(now, _recovery.Rtt, _recovery.Congestion.CongestionWindow, _recovery.Congestion.BytesInFlight);
        }

        _keys.OneRtt?.HandleTimeout(now);

        if (now >= KeepAliveDeadline)
        {
            Space(PacketNumberSpace.ApplicationData).PingPending = true;
        }

        HandlePathTimeouts(now);
    }

    /// <summary>
    /// The idle timeout applies once the handshake is confirmed; before, the handshake timeout alone
    /// decides, so a handshake through heavy loss (long PTO backoff) is not cut short by the idle timer.
    /// </summary>
    private Instant IdleDeadline => _handshakeConfirmed ? _idleDeadline : Instant.MaxValue;

    /// <summary>When a keep-alive PING is due: the interval after the last ack-eliciting packet we sent.</summary>
    private Instant KeepAliveDeadline =>
        _settings.KeepAliveInterval is { } interval && _handshakeComplete && _state == ConnectionState.Established &&
        !Space(PacketNumberSpace.ApplicationData).PingPending
            ? _lastSendTime + interval
            : Instant.MaxValue;
}
