namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// Credit the peer granted us to send, at connection level (MAX_DATA) or stream level
/// (MAX_STREAM_DATA), with the once-per-limit rule for the matching BLOCKED signal.
/// </summary>
/// <remarks>
/// RFC 9000 §4.1: the limit only grows (frames that do not raise it are ignored); the sender
/// consumes credit with every new byte (retransmissions are free); when it wants to send but has
/// no credit it signals DATA_BLOCKED / STREAM_DATA_BLOCKED carrying the limit. One signal per
/// limit value: after the peer raises the limit and we block again, we signal again.
/// A mutable struct embedded as a field; never copy it.
/// </remarks>
internal struct SendCredit
{
    private ulong _blockedSignaledAt;
    private bool _blockedSignaled;

    public SendCredit(ulong initialLimit)
    {
        Limit = initialLimit;
    }

    /// <summary>The largest offset (or byte sum) the peer allows.</summary>
    public ulong Limit { get; private set; }

    /// <summary>Credit consumed so far.</summary>
    public ulong Used { get; private set; }

    /// <summary>Credit left.</summary>
    public readonly ulong Available => Limit > Used ? Limit - Used : 0;

    /// <summary>Raises the limit; returns whether it grew (RFC 9000 §4.1: smaller values are ignored).</summary>
    public bool RaiseLimit(ulong limit)
    {
        if (limit <= Limit)
        {
            return false;
        }

        Limit = limit;
        return true;
    }

    /// <summary>Consumes credit for new bytes; the caller never exceeds <see cref="Available"/>.</summary>
    public void Consume(ulong bytes)
    {
        if (bytes > Available)
        {
            throw new InvalidOperationException($"Sending {bytes} bytes exceeds the flow control credit ({Available}).");
        }

        Used += bytes;
    }

    /// <summary>
    /// Records that the sender is blocked at the current limit; returns true when a BLOCKED frame
    /// should be queued (the first time for this limit value).
    /// </summary>
    public bool TrySignalBlocked()
    {
        if (_blockedSignaled && _blockedSignaledAt == Limit)
        {
            return false;
        }

        _blockedSignaled = true;
        _blockedSignaledAt = Limit;
        return true;
    }

    /// <summary>Whether the sender is still blocked at <paramref name="limit"/> (a lost BLOCKED frame is only repeated then, RFC 9000 §13.3).</summary>
    public readonly bool IsBlockedAt(ulong limit) => Limit == limit && Available == 0;
}
