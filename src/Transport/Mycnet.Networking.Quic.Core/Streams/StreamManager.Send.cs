namespace Mycnet.Networking.Quic.Core.Streams;

/// <summary>
/// Scheduling and STREAM frame outcomes.
/// </summary>
/// <remarks>
/// Scheduling design: two FIFO queues of streams. The retransmission queue holds streams with
/// lost ranges and is always served first (RFC 9000 §13.3: retransmit before new data). The send
/// queue holds streams with new data (and stream credit) or a lone FIN. Each poll serves the head
/// stream one chunk and moves it to the back if it has more, so N busy streams advance one chunk
/// each per round (fair round robin). Queue membership is a flag on the stream; entries that no
/// longer qualify (sent out, reset, blocked, forgotten) are dropped lazily when they reach the
/// head, so nothing is searched and nothing allocates once the queues have grown.
/// When the connection credit is exhausted, streams needing it stay queued in order, DATA_BLOCKED
/// is signalled once per limit, and a stream with only a FIN may still go (a FIN costs no credit).
/// </remarks>
internal sealed partial class StreamManager
{
    private readonly Queue<StreamEntry> _sendQueue = new();
    private readonly Queue<StreamEntry> _retransmitQueue = new();

    /// <summary>Whether a poll for a stream chunk could return one (given a large enough frame).</summary>
    public bool HasStreamDataToSend
    {
        get
        {
            PruneQueueHeads();
            if (_retransmitQueue.Count > 0)
            {
                return true;
            }

            if (_sendQueue.Count == 0)
            {
                return false;
            }

            if (_connectionSend.Available > 0)
            {
                return true;
            }

            foreach (StreamEntry entry in _sendQueue)
            {
                if (!entry.Removed && entry.Send!.HasPendingFinOnly)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The next STREAM frame to send, at most <paramref name="maxFrameBytes"/> bytes encoded
    /// (type, stream id, offset when non-zero, length field, data). Retransmissions go first,
    /// then new data in round-robin order. After a true return, write the frame and call
    /// <see cref="CopyStreamData"/> before anything else.
    /// </summary>
    public bool TryPollStreamChunk(int maxFrameBytes, out StreamChunk chunk)
    {
        chunk = default;
        while (_retransmitQueue.TryPeek(out StreamEntry? entry))
        {
            SendStream? send = entry.Send;
            if (entry.Removed || send is null || !send.HasRetransmission)
            {
                _retransmitQueue.Dequeue();
                entry.InRetransmitQueue = false;
                continue;
            }

            int maxData = StreamChunk.GetMaxDataLength(entry.Id.Value, send.NextOffset, maxFrameBytes);
            if (maxData < 1)
            {
                return false;
            }

            send.TryGetRetransmitChunk(maxData, out chunk);
            _retransmitQueue.Dequeue();
            if (send.HasRetransmission)
            {
                _retransmitQueue.Enqueue(entry);
            }
            else
            {
                entry.InRetransmitQueue = false;
            }

            return true;
        }

        int rotations = 0;
        while (_sendQueue.TryPeek(out StreamEntry? entry))
        {
            SendStream? send = entry.Send;
            if (entry.Removed || send is null || !send.CanSendNew)
            {
                _sendQueue.Dequeue();
                entry.InSendQueue = false;
                if (!entry.Removed && send is not null)
                {
                    SignalStreamBlockedIfNeeded(entry);
                }

                continue;
            }

            bool finOnly = send.HasPendingFinOnly;
            if (_connectionSend.Available == 0 && !finOnly)
            {
                SignalConnectionBlocked();
                if (++rotations > _sendQueue.Count)
                {
                    return false;
                }

                // Look past streams that need connection credit for one with only a FIN; a full rotation keeps the order.
                _sendQueue.Enqueue(_sendQueue.Dequeue());
                continue;
            }

            int maxData = StreamChunk.GetMaxDataLength(entry.Id.Value, send.SentOffset, maxFrameBytes);
            if (maxData < 0 || (maxData == 0 && !finOnly))
            {
                return false;
            }

            send.TryGetNewChunk(maxData, _connectionSend.Available, out chunk, out ulong newBytes);
            _connectionSend.Consume(newBytes);
            _sendQueue.Dequeue();
            if (send.CanSendNew)
            {
                _sendQueue.Enqueue(entry);
            }
            else
            {
                entry.InSendQueue = false;
                SignalStreamBlockedIfNeeded(entry);
            }

            if (_connectionSend.Available == 0 && send.HasUnsentData)
            {
                SignalConnectionBlocked();
            }

            return true;
        }

        return false;
    }

    /// <summary>Copies the bytes of a chunk just returned by <see cref="TryPollStreamChunk"/> into the packet.</summary>
    /// <exception cref="ArgumentException">The stream is unknown or <paramref name="destination"/> is shorter than the chunk.</exception>
    public void CopyStreamData(in StreamChunk chunk, Span<byte> destination)
    {
        if (destination.Length < chunk.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; the chunk has {chunk.Length}.", nameof(destination));
        }

        if (!_streams.TryGetValue(chunk.StreamId, out StreamEntry? entry) || entry.Send is null)
        {
            throw new ArgumentException($"Stream {chunk.StreamId} has no sending part.", nameof(chunk));
        }

        entry.Send.CopyData(chunk.Offset, destination[..chunk.Length]);
    }

    /// <summary>A STREAM frame we sent was acknowledged (report each sent frame once, acked or lost).</summary>
    public void OnStreamDataAcked(ulong streamId, ulong offset, int length, bool fin)
    {
        if (!_streams.TryGetValue(streamId, out StreamEntry? entry) || entry.Send is null)
        {
            return;
        }

        bool finished = entry.Send.OnAcked(offset, length, fin, out bool writable);
        if (writable)
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.Writable, streamId, 0, entry.Id.Direction));
        }

        if (finished)
        {
            _events.Enqueue(new StreamEvent(StreamEventKind.SendFinished, streamId, 0, entry.Id.Direction));
            TryRemove(entry);
        }
    }

    /// <summary>A STREAM frame we sent was declared lost: its bytes (minus any acknowledged since) are retransmitted before new data.</summary>
    public void OnStreamDataLost(ulong streamId, ulong offset, int length, bool fin)
    {
        if (!_streams.TryGetValue(streamId, out StreamEntry? entry) || entry.Send is null)
        {
            return;
        }

        entry.Send.OnLost(offset, length, fin);
        if (entry.Send.HasRetransmission && !entry.InRetransmitQueue)
        {
            entry.InRetransmitQueue = true;
            _retransmitQueue.Enqueue(entry);
        }

        UpdateSendQueue(entry);
    }

    /// <summary>Queues a stream that has something new to send; signals STREAM_DATA_BLOCKED / DATA_BLOCKED when credit stops it.</summary>
    private void UpdateSendQueue(StreamEntry entry)
    {
        SendStream send = entry.Send!;
        if (send.CanSendNew && !entry.InSendQueue)
        {
            entry.InSendQueue = true;
            _sendQueue.Enqueue(entry);
        }

        SignalStreamBlockedIfNeeded(entry);
        if (send.HasUnsentData && send.StreamCredit > 0 && _connectionSend.Available == 0)
        {
            SignalConnectionBlocked();
        }
    }

    private void SignalStreamBlockedIfNeeded(StreamEntry entry)
    {
        if (entry.Send!.IsBlockedByStreamCredit && entry.Send.TrySignalBlocked())
        {
            QueueStreamFrame(entry, PendingStreamFrames.StreamDataBlocked);
        }
    }

    private void SignalConnectionBlocked()
    {
        if (_connectionSend.TrySignalBlocked())
        {
            _dataBlockedPending = true;
        }
    }

    private void PruneQueueHeads()
    {
        while (_retransmitQueue.TryPeek(out StreamEntry? entry) && (entry.Removed || !entry.Send!.HasRetransmission))
        {
            _retransmitQueue.Dequeue();
            entry.InRetransmitQueue = false;
        }

        while (_sendQueue.TryPeek(out StreamEntry? entry) && (entry.Removed || !entry.Send!.CanSendNew))
        {
            _sendQueue.Dequeue();
            entry.InSendQueue = false;
        }
    }
}
