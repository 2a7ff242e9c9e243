using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The connection IDs the peer issued to us, which we put in the Destination Connection ID field
/// (RFC 9000 §5.1.1, §5.1.2, §19.15).
/// </summary>
/// <remarks>
/// Sequence 0 is the peer's handshake Source Connection ID; later IDs arrive in NEW_CONNECTION_ID
/// frames. The set enforces our active_connection_id_limit (CONNECTION_ID_LIMIT_ERROR), honours
/// Retire Prior To by retiring older IDs with RETIRE_CONNECTION_ID frames, bounds the retirements
/// awaiting acknowledgment to twice the limit (§5.1.2), and keeps the stateless reset tokens of
/// active IDs so that a datagram ending in one of them is recognised as a stateless reset.
/// </remarks>
internal sealed class PeerConnectionIdSet
{
    private readonly List<Entry> _active = [];
    private readonly Queue<ulong> _pendingRetireFrames = new();
    private readonly HashSet<ulong> _retiresInFlight = [];
    private readonly int _activeLimit;
    private ulong _largestRetirePriorTo;
    private ulong _currentSequence;
    private bool _isZeroLength;

    /// <param name="activeConnectionIdLimit">Our active_connection_id_limit transport parameter.</param>
    /// <param name="initial">The Destination Connection ID to start with: a client's random first DCID, or the client's SCID on a server.</param>
    public PeerConnectionIdSet(int activeConnectionIdLimit, ConnectionId initial)
    {
        _activeLimit = activeConnectionIdLimit;
        Current = initial;
        _isZeroLength = initial.IsEmpty;
    }

    /// <summary>The ID in use as Destination Connection ID on the primary path.</summary>
    public ConnectionId Current { get; private set; }

    /// <summary>The sequence number of <see cref="Current"/> (0 before the handshake gives one).</summary>
    public ulong CurrentSequence => _currentSequence;

    /// <summary>Number of active peer IDs known, including <see cref="Current"/> once the handshake set it.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>Whether the peer uses zero-length connection IDs.</summary>
    public bool IsZeroLength => _isZeroLength;

    /// <summary>Whether a RETIRE_CONNECTION_ID frame is waiting to be sent.</summary>
    public bool HasPendingFrames => _pendingRetireFrames.Count > 0;

    /// <summary>
    /// Sets sequence 0 from the peer's handshake Source Connection ID (a client does this on the
    /// server's first Initial; a server at creation), replacing any unsequenced initial DCID.
    /// </summary>
    public void SetHandshakeId(ConnectionId peerSourceId)
    {
        _active.Clear();
        _active.Add(new Entry(0, peerSourceId, null));
        Current = peerSourceId;
        _currentSequence = 0;
        _isZeroLength = peerSourceId.IsEmpty;
    }

    /// <summary>Sets the stateless reset token of sequence 0 (from the server's transport parameters).</summary>
    public void SetHandshakeResetToken(StatelessResetToken token)
    {
        int index = IndexOf(0);
        if (index >= 0)
        {
            _active[index] = _active[index] with { ResetToken = token };
        }
    }

    /// <summary>Handles NEW_CONNECTION_ID (RFC 9000 §19.15).</summary>
    /// <exception cref="QuicProtocolException">The frame breaks a rule of §19.15 or §5.1.1.</exception>
    public void OnNewConnectionId(ulong sequence, ulong retirePriorTo, ConnectionId id, StatelessResetToken token)
    {
        const ulong FrameType = 0x18;
        if (_isZeroLength)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "NEW_CONNECTION_ID received while the peer uses zero-length connection IDs.", FrameType);
        }

        foreach (Entry entry in _active)
        {
            if (entry.Sequence == sequence)
            {
                if (entry.Id != id || (entry.ResetToken is { } known && known != token))
                {
                    throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, $"NEW_CONNECTION_ID reuses sequence {sequence} for a different connection ID or token.", FrameType);
                }

                return; // A retransmission.
            }

            if (entry.Id == id)
            {
                throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "NEW_CONNECTION_ID repeats a connection ID under another sequence number.", FrameType);
            }
        }

        if (sequence < _largestRetirePriorTo)
        {
            // §19.15: retire it at once, never use it.
            QueueRetire(sequence);
            return;
        }

        _active.Add(new Entry(sequence, id, token));

        if (retirePriorTo > _largestRetirePriorTo)
        {
            _largestRetirePriorTo = retirePriorTo;
            for (int i = _active.Count - 1; i >= 0; i--)
            {
                if (_active[i].Sequence < retirePriorTo)
                {
                    QueueRetire(_active[i].Sequence);
                    _active.RemoveAt(i);
                }
            }

            if (_currentSequence < retirePriorTo)
            {
                SwitchToLowestActive();
            }
        }

        if (_active.Count > _activeLimit)
        {
            throw new QuicProtocolException(TransportErrorCode.ConnectionIdLimitError, $"The peer provided {_active.Count} active connection IDs; our limit is {_activeLimit}.", FrameType);
        }
    }

    /// <summary>Takes an unused active ID for a new path (migration), retiring nothing.</summary>
    public bool TryTakeUnused(out ulong sequence, out ConnectionId id)
    {
        foreach (Entry entry in _active)
        {
            if (entry.Sequence != _currentSequence && !entry.InUse)
            {
                int index = IndexOf(entry.Sequence);
                _active[index] = entry with { InUse = true };
                sequence = entry.Sequence;
                id = entry.Id;
                return true;
            }
        }

        sequence = 0;
        id = default;
        return false;
    }

    /// <summary>Stops using <paramref name="sequence"/> and queues its RETIRE_CONNECTION_ID.</summary>
    public void Retire(ulong sequence)
    {
        int index = IndexOf(sequence);
        if (index < 0)
        {
            return;
        }

        _active.RemoveAt(index);
        QueueRetire(sequence);
        if (sequence == _currentSequence)
        {
            SwitchToLowestActive();
        }
    }

    /// <summary>Makes <paramref name="sequence"/> the ID of the primary path.</summary>
    public void UseForPrimaryPath(ulong sequence)
    {
        int index = IndexOf(sequence);
        if (index >= 0)
        {
            Current = _active[index].Id;
            _currentSequence = sequence;
        }
    }

    /// <summary>Whether the last 16 bytes of a datagram equal the reset token of an active peer ID.</summary>
    public bool IsStatelessReset(ReadOnlySpan<byte> candidateToken)
    {
        bool match = false;
        foreach (Entry entry in _active)
        {
            if (entry.ResetToken is { } token)
            {
                // No early exit: compare every token so timing reveals nothing (§10.3.1).
                match |= token.Matches(candidateToken);
            }
        }

        return match;
    }

    /// <summary>Takes the next RETIRE_CONNECTION_ID frame to send.</summary>
    public bool TryDequeueRetireFrame(out ulong sequence) => _pendingRetireFrames.TryDequeue(out sequence);

    /// <summary>The peer acknowledged a RETIRE_CONNECTION_ID frame.</summary>
    public void OnRetireFrameAcked(ulong sequence) => _retiresInFlight.Remove(sequence);

    /// <summary>A packet carrying RETIRE_CONNECTION_ID was lost: send it again.</summary>
    public void OnRetireFrameLost(ulong sequence)
    {
        if (_retiresInFlight.Contains(sequence))
        {
            _pendingRetireFrames.Enqueue(sequence);
        }
    }

    private void QueueRetire(ulong sequence)
    {
        if (!_retiresInFlight.Add(sequence))
        {
            return;
        }

        if (_retiresInFlight.Count > 2 * Math.Max(2, _activeLimit))
        {
            throw new QuicProtocolException(TransportErrorCode.ConnectionIdLimitError, "Too many connection IDs await retirement.", 0x18);
        }

        _pendingRetireFrames.Enqueue(sequence);
    }

    private void SwitchToLowestActive()
    {
        Entry? lowest = null;
        foreach (Entry entry in _active)
        {
            if (lowest is null || entry.Sequence < lowest.Value.Sequence)
            {
                lowest = entry;
            }
        }

        if (lowest is { } next)
        {
            Current = next.Id;
            _currentSequence = next.Sequence;
            int index = IndexOf(next.Sequence);
            _active[index] = next with { InUse = true };
        }
    }

    private int IndexOf(ulong sequence)
    {
        for (int i = 0; i < _active.Count; i++)
        {
            if (_active[i].Sequence == sequence)
            {
                return i;
            }
        }

        return -1;
    }

    private readonly record struct Entry(ulong Sequence, ConnectionId Id, StatelessResetToken? ResetToken, bool InUse = false);
}
