using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <summary>
/// The connection IDs this endpoint issued to its peer (RFC 9000 §5.1.1).
/// </summary>
/// <remarks>
/// Sequence number 0 is the Source Connection ID of the handshake; later ones travel in
/// NEW_CONNECTION_ID frames. The set keeps the peer supplied with up to
/// min(peer's active_connection_id_limit, our cap) active IDs, replaces each one the peer retires,
/// and records routing changes (issued / retired) for the endpoint, which the connection hands
/// out as endpoint events. Every issued ID stays routable until the peer retires it. An endpoint
/// using zero-length connection IDs issues none and refuses RETIRE_CONNECTION_ID (§19.16).
/// </remarks>
internal sealed class LocalConnectionIdSet
{
    /// <summary>Our own cap on active IDs, whatever the peer allows: bounds per-connection routing state.</summary>
    public const int MaxActive = 8;

    private readonly List<Entry> _active = new(MaxActive);
    private readonly Queue<ulong> _pendingNewIdFrames = new();
    private readonly Queue<RoutingChange> _routingChanges = new();
    private readonly IRandomSource _random;
    private readonly StatelessResetTokenGenerator _tokens;
    private readonly int _length;
    private ulong _nextSequence;
    private int _target = 1;

    /// <param name="initial">The Source Connection ID of our handshake packets (sequence 0).</param>
    public LocalConnectionIdSet(ConnectionId initial, IRandomSource random, StatelessResetTokenGenerator tokens)
    {
        _random = random;
        _tokens = tokens;
        _length = initial.Length;
        _active.Add(new Entry(0, initial, tokens.Compute(initial)));
        _nextSequence = 1;
    }

    /// <summary>The number of IDs the peer may currently use.</summary>
    public int ActiveCount => _active.Count;

    /// <summary>Whether this endpoint uses zero-length connection IDs.</summary>
    public bool IsZeroLength => _length == 0;

    /// <summary>The stateless reset token of sequence 0 (a server sends it in its transport parameters).</summary>
    public StatelessResetToken InitialResetToken => _active.Count > 0 && _active[0].Sequence == 0 ? _active[0].ResetToken : _tokens.Compute(_active[0].Id);

    /// <summary>Whether <paramref name="id"/> is one of our active IDs.</summary>
    public bool Contains(ConnectionId id)
    {
        foreach (Entry entry in _active)
        {
            if (entry.Id == id)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets how many IDs the peer is willing to hold and issues up to that number.</summary>
    public void SetPeerLimit(ulong peerActiveConnectionIdLimit)
    {
        _target = (int)Math.Min((ulong)MaxActive, Math.Max(1UL, peerActiveConnectionIdLimit));
        IssueToTarget();
    }

    /// <summary>Handles RETIRE_CONNECTION_ID (RFC 9000 §19.16).</summary>
    /// <param name="sequence">The retired sequence number.</param>
    /// <param name="packetDestination">The Destination Connection ID of the packet that carried the frame.</param>
    /// <exception cref="QuicProtocolException">The frame is not allowed.</exception>
    public void OnRetireConnectionId(ulong sequence, ConnectionId packetDestination)
    {
        const ulong FrameType = 0x19;
        if (IsZeroLength)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "RETIRE_CONNECTION_ID received by an endpoint with zero-length connection IDs.", FrameType);
        }

        if (sequence >= _nextSequence)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, $"RETIRE_CONNECTION_ID for sequence {sequence}, which was never issued.", FrameType);
        }

        int index = IndexOf(sequence);
        if (index < 0)
        {
            return; // Already retired: a retransmission.
        }

        if (_active[index].Id == packetDestination)
        {
            throw new QuicProtocolException(TransportErrorCode.ProtocolViolation, "RETIRE_CONNECTION_ID retires the connection ID of the packet that carries it.", FrameType);
        }

        _routingChanges.Enqueue(new RoutingChange(_active[index].Id, Added: false));
        _active.RemoveAt(index);
        IssueToTarget();
    }

    /// <summary>Takes the next NEW_CONNECTION_ID frame to send, if any.</summary>
    public bool TryDequeueNewIdFrame(out ulong sequence, out ConnectionId id, out StatelessResetToken token)
    {
        while (_pendingNewIdFrames.TryDequeue(out sequence))
        {
            int index = IndexOf(sequence);
            if (index >= 0)
            {
                id = _active[index].Id;
                token = _active[index].ResetToken;
                return true;
            }
        }

        id = default;
        token = default;
        return false;
    }

    /// <summary>Whether a NEW_CONNECTION_ID frame is waiting to be sent.</summary>
    public bool HasPendingFrames => _pendingNewIdFrames.Count > 0;

    /// <summary>A packet carrying NEW_CONNECTION_ID for <paramref name="sequence"/> was lost: send it again if still active.</summary>
    public void OnNewIdFrameLost(ulong sequence)
    {
        if (IndexOf(sequence) >= 0)
        {
            _pendingNewIdFrames.Enqueue(sequence);
        }
    }

    /// <summary>Takes the next routing change for the endpoint.</summary>
    public bool TryDequeueRoutingChange(out RoutingChange change) => _routingChanges.TryDequeue(out change);

    /// <summary>All active IDs, for the endpoint to unregister when the connection ends.</summary>
    public void CopyActiveIds(List<ConnectionId> destination)
    {
        foreach (Entry entry in _active)
        {
            destination.Add(entry.Id);
        }
    }

    private void IssueToTarget()
    {
        if (IsZeroLength)
        {
            return;
        }

        Span<byte> bytes = stackalloc byte[ConnectionId.MaxLength];
        while (_active.Count < _target)
        {
            _random.Fill(bytes[.._length]);
            var id = new ConnectionId(bytes[.._length]);
            if (Contains(id))
            {
                continue;
            }

            ulong sequence = _nextSequence++;
            _active.Add(new Entry(sequence, id, _tokens.Compute(id)));
            _pendingNewIdFrames.Enqueue(sequence);
            _routingChanges.Enqueue(new RoutingChange(id, Added: true));
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

    private readonly record struct Entry(ulong Sequence, ConnectionId Id, StatelessResetToken ResetToken);
}

/// <summary>A connection ID the endpoint must start (<c>Added</c>) or stop routing to a connection.</summary>
internal readonly record struct RoutingChange(ConnectionId Id, bool Added);
