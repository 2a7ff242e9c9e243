using System.Buffers;
using System.Numerics;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>
/// The packets sent in one packet number space that are not yet acknowledged or lost, with the
/// frames each carried (RFC 9002 §6, Appendix A.1).
/// </summary>
/// <remarks>
/// Design: packet numbers only grow within a space (RFC 9000 §12.3), so sent packets live in a
/// growable ring in packet-number order. Acknowledged or lost packets become tombstones in place
/// and the ring's head advances over tombstones, so a window of thousands of packets costs one
/// pooled array and no per-packet allocation. Because every sent packet number from the head to
/// the tail has an entry (the sender may skip numbers, which then have none), an ACK for a number
/// in that window without an entry, or above the largest sent, names a packet never sent (RFC 9000
/// §13.1). Lookup by packet number is a binary search. The frames of all packets live in a second
/// ring indexed by a 64-bit virtual position; a packet's frames never straddle the ring's end (the
/// writer skips to the start instead), so each packet's frames are one span. The frame ring
/// releases space as the packet ring's head advances. Both rings are rented from
/// <see cref="ArrayPool{T}"/> and grow by doubling; <see cref="Dispose"/> returns them.
/// Loss detection for the space is in <c>SentPacketTracker.Detection.cs</c>.
/// </remarks>
internal sealed partial class SentPacketTracker : IDisposable
{
    private const int InitialPacketCapacity = 16;
    private const int InitialFrameCapacity = 64;

    private Entry[] _entries = [];
    private int _entryMask = -1;
    private int _head;
    private int _count;

    private SentFrame[] _frames = [];
    private long _frameMask = -1;
    private long _frameHead;
    private long _frameTail;

    public SentPacketTracker(PacketNumberSpace space)
    {
        Space = space;
    }

    private enum EntryState : byte
    {
        Outstanding = 0,
        NewlyAcked = 1,
        Acked = 2,
        Lost = 3,
    }

    /// <summary>The space this tracker serves.</summary>
    public PacketNumberSpace Space { get; }

    /// <summary>Whether any packet has been sent in this space.</summary>
    public bool HasSent { get; private set; }

    /// <summary>The largest packet number sent; meaningful only if <see cref="HasSent"/>.</summary>
    public ulong LargestSent { get; private set; }

    /// <summary>Whether any ACK has been processed in this space.</summary>
    public bool HasLargestAcked { get; private set; }

    /// <summary>largest_acked_packet: the largest packet number acknowledged so far.</summary>
    public ulong LargestAcked { get; private set; }

    /// <summary>loss_time: when the earliest outstanding packet becomes lost by time threshold, or never.</summary>
    public Instant LossTime { get; private set; } = Instant.MaxValue;

    /// <summary>time_of_last_ack_eliciting_packet, or <see cref="Instant.MaxValue"/> when none is in flight.</summary>
    public Instant TimeOfLastAckEliciting { get; private set; } = Instant.MaxValue;

    /// <summary>How many ack-eliciting packets are outstanding.</summary>
    public int AckElicitingInFlight { get; private set; }

    /// <summary>Bytes of outstanding in-flight packets in this space.</summary>
    public long BytesInFlight { get; private set; }

    /// <summary>How many packets were sent with ECT(0) in this space (for ECN validation, RFC 9000 §13.4.2.1).</summary>
    public ulong Ect0Sent { get; private set; }

    /// <summary>Entries held (outstanding packets and tombstones not yet released).</summary>
    public int TrackedCount => _count;

    /// <summary>The ring capacity, for tests of growth.</summary>
    internal int PacketCapacity => _entries.Length == 0 ? 0 : _entryMask + 1;

    /// <summary>Records a sent packet and copies its frames into the frame ring (RFC 9002 Appendix A.5).</summary>
    /// <exception cref="ArgumentException">The packet number does not exceed the largest sent.</exception>
    public void Add(ulong packetNumber, Instant now, int size, SentPacketFlags flags, ReadOnlySpan<SentFrame> frames)
    {
        if (HasSent && packetNumber <= LargestSent)
        {
            throw new ArgumentException($"Packet numbers must increase within a space: {packetNumber} after {LargestSent}.", nameof(packetNumber));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if ((flags & SentPacketFlags.AckEliciting) != 0)
        {
            // RFC 9002 §2: ack-eliciting packets are always in flight.
            flags |= SentPacketFlags.InFlight;
        }

        if (_count == PacketCapacity)
        {
            GrowEntries();
        }

        long frameStart = ReserveFrames(frames.Length);
        if (!frames.IsEmpty)
        {
            frames.CopyTo(_frames.AsSpan((int)(frameStart & _frameMask), frames.Length));
        }

        ref Entry e = ref _entries[(_head + _count) & _entryMask];
        e.Packet = new SentPacket(packetNumber, now, size, flags);
        e.FrameStart = frameStart;
        e.FrameCount = frames.Length;
        e.State = EntryState.Outstanding;
        _count++;

        HasSent = true;
        LargestSent = packetNumber;
        if ((flags & SentPacketFlags.InFlight) != 0)
        {
            BytesInFlight += size;
        }

        if ((flags & SentPacketFlags.AckEliciting) != 0)
        {
            AckElicitingInFlight++;
            TimeOfLastAckEliciting = now;
        }

        if ((flags & SentPacketFlags.EcnEct0) != 0)
        {
            Ect0Sent++;
        }
    }

    /// <summary>
    /// Forgets every packet (RFC 9002 §6.4). Outstanding packets are reported to
    /// <paramref name="sink"/> as lost when one is given (their frames need sending elsewhere);
    /// returns the in-flight bytes removed, which the caller takes out of the congestion controller.
    /// </summary>
    public long DiscardAll(ISentPacketSink? sink)
    {
        long removed = BytesInFlight;
        if (sink is not null)
        {
            for (int i = 0; i < _count; i++)
            {
                ref Entry e = ref EntryAt(i);
                if (e.State == EntryState.Outstanding)
                {
                    e.State = EntryState.Lost;
                    sink.OnPacketLost(Space, in e.Packet, FramesOf(in e));
                }
            }
        }

        _head = 0;
        _count = 0;
        _frameHead = _frameTail;
        BytesInFlight = 0;
        AckElicitingInFlight = 0;
        TimeOfLastAckEliciting = Instant.MaxValue;
        LossTime = Instant.MaxValue;
        return removed;
    }

    /// <summary>
    /// Removes the outstanding packets that carry <paramref name="flag"/> (0-RTT rejection),
    /// reporting them to <paramref name="sink"/> as lost; returns the in-flight bytes removed.
    /// </summary>
    public long DiscardFlagged(SentPacketFlags flag, ISentPacketSink sink)
    {
        long removed = 0;
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref EntryAt(i);
            if (e.State == EntryState.Outstanding && (e.Packet.Flags & flag) != 0)
            {
                removed += RemoveOutstanding(ref e, EntryState.Lost);
                sink.OnPacketLost(Space, in e.Packet, FramesOf(in e));
            }
        }

        Compact();
        RecomputeTimeOfLastAckEliciting();
        return removed;
    }

    /// <summary>
    /// The frames of the oldest outstanding ack-eliciting packet (empty when there is none), for a
    /// PTO probe that re-sends them (RFC 9002 §6.2.4). The packet stays outstanding.
    /// </summary>
    public ReadOnlySpan<SentFrame> GetOldestOutstandingFrames()
    {
        for (int i = 0; i < _count; i++)
        {
            ref Entry e = ref EntryAt(i);
            if (e.State == EntryState.Outstanding && e.Packet.IsAckEliciting)
            {
                return FramesOf(in e);
            }
        }

        return [];
    }

    /// <summary>Returns the pooled rings.</summary>
    public void Dispose()
    {
        if (_entries.Length != 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
            _entries = [];
            _entryMask = -1;
        }

        if (_frames.Length != 0)
        {
            ArrayPool<SentFrame>.Shared.Return(_frames);
            _frames = [];
            _frameMask = -1;
        }

        _head = 0;
        _count = 0;
        _frameHead = _frameTail;
    }

    private ref Entry EntryAt(int logicalIndex) => ref _entries[(_head + logicalIndex) & _entryMask];

    private ReadOnlySpan<SentFrame> FramesOf(in Entry e) =>
        e.FrameCount == 0 ? default : new ReadOnlySpan<SentFrame>(_frames, (int)(e.FrameStart & _frameMask), e.FrameCount);

    /// <summary>Marks an outstanding entry acknowledged or lost and takes it out of the space's counters; returns its in-flight bytes.</summary>
    private long RemoveOutstanding(ref Entry e, EntryState newState)
    {
        e.State = newState;
        long inFlight = 0;
        if (e.Packet.IsInFlight)
        {
            inFlight = e.Packet.Size;
            BytesInFlight -= inFlight;
        }

        if (e.Packet.IsAckEliciting)
        {
            AckElicitingInFlight--;
        }

        return inFlight;
    }

    /// <summary>Releases tombstones at the head of the ring, and the frames they held.</summary>
    private void Compact()
    {
        while (_count > 0)
        {
            EntryState state = _entries[_head].State;
            if (state != EntryState.Acked && state != EntryState.Lost)
            {
                break;
            }

            _head = (_head + 1) & _entryMask;
            _count--;
        }

        _frameHead = _count > 0 ? _entries[_head].FrameStart : _frameTail;
    }

    private void RecomputeTimeOfLastAckEliciting()
    {
        if (AckElicitingInFlight == 0)
        {
            TimeOfLastAckEliciting = Instant.MaxValue;
        }
    }

    /// <summary>First logical index whose packet number is at least <paramref name="packetNumber"/>.</summary>
    private int LowerBound(ulong packetNumber)
    {
        int lo = 0;
        int hi = _count;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (EntryAt(mid).Packet.PacketNumber < packetNumber)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private void GrowEntries()
    {
        int newCapacity = _entries.Length == 0 ? InitialPacketCapacity : (_entryMask + 1) * 2;
        Entry[] grown = ArrayPool<Entry>.Shared.Rent(newCapacity);
        int usable = 1 << BitOperations.Log2((uint)grown.Length);
        for (int i = 0; i < _count; i++)
        {
            grown[i] = EntryAt(i);
        }

        if (_entries.Length != 0)
        {
            ArrayPool<Entry>.Shared.Return(_entries);
        }

        _entries = grown;
        _entryMask = usable - 1;
        _head = 0;
    }

    /// <summary>Reserves <paramref name="n"/> contiguous frame slots at the ring's tail; returns their virtual start.</summary>
    private long ReserveFrames(int n)
    {
        if (n == 0)
        {
            return _frameTail;
        }

        while (true)
        {
            if (_frames.Length != 0)
            {
                long capacity = _frameMask + 1;
                long start = _frameTail;
                long physical = start & _frameMask;
                if (physical + n > capacity)
                {
                    // Skip to the start of the ring so the packet's frames stay one span.
                    start += capacity - physical;
                }

                if (start + n - _frameHead <= capacity)
                {
                    _frameTail = start + n;
                    return start;
                }
            }

            GrowFrames(n);
        }
    }

    private void GrowFrames(int atLeast)
    {
        long oldCapacity = _frames.Length == 0 ? 0 : _frameMask + 1;
        long newCapacity = Math.Max(InitialFrameCapacity, oldCapacity * 2);
        while (newCapacity < atLeast * 2L)
        {
            newCapacity *= 2;
        }

        if (newCapacity > Array.MaxLength)
        {
            throw new InvalidOperationException("The sent-frame ring cannot grow further.");
        }

        SentFrame[] grown = ArrayPool<SentFrame>.Shared.Rent((int)newCapacity);
        long usable = 1L << BitOperations.Log2((uint)grown.Length);
        long newMask = usable - 1;

        // Live frames keep their virtual positions; a span that did not straddle the old ring's end
        // does not straddle the new, larger one, and the live range fits without overlap.
        for (long v = _frameHead; v < _frameTail; v++)
        {
            grown[v & newMask] = _frames[v & _frameMask];
        }

        if (_frames.Length != 0)
        {
            ArrayPool<SentFrame>.Shared.Return(_frames);
        }

        _frames = grown;
        _frameMask = newMask;
    }

    private struct Entry
    {
        public SentPacket Packet;
        public long FrameStart;
        public int FrameCount;
        public EntryState State;
    }
}
