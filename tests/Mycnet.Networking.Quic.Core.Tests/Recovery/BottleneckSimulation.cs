using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

/// <summary>
/// A bulk sender (loss detection, congestion controller, pacer) and a receiver (ACK generation)
/// joined by a fixed-rate bottleneck with a drop-tail queue and a fixed propagation delay, in
/// virtual time. The return path only delays ACKs. Lost data is not retransmitted: the model
/// measures how the controller uses the link, not stream delivery.
/// </summary>
internal sealed class BottleneckSimulation : ISentPacketSink
{
    private const int PacketSize = 1200;
    private readonly PriorityQueue<Event, (long, long)> _events = new();
    private readonly SentFrame[] _frame = new SentFrame[1];
    private long _sequence;
    private Instant _linkFreeAt;
    private ulong _nextPacketNumber;
    private Instant _pendingWake = Instant.MaxValue;

    public BottleneckSimulation(ICongestionController congestion, double linkBytesPerSecond, TimeSpan oneWayDelay, long queueLimitBytes)
    {
        Congestion = congestion;
        LinkBytesPerSecond = linkBytesPerSecond;
        OneWayDelay = oneWayDelay;
        QueueLimitBytes = queueLimitBytes;
        Rtt = new RttEstimator();
        Detector = new LossDetector(Rtt, congestion, null, isServer: true);
        Detector.OnHandshakeConfirmed(Instant.Zero);
        Pacer = new Pacer(PacketSize);
        Receiver = new ReceivedPacketTracker(PacketNumberSpace.ApplicationData);
    }

    private enum Kind
    {
        ArriveAtReceiver,
        AckArrivesAtSender,
        ReceiverAckTimer,
        SenderWake,
    }

    public ICongestionController Congestion { get; }

    public double LinkBytesPerSecond { get; }

    public TimeSpan OneWayDelay { get; }

    public long QueueLimitBytes { get; }

    public RttEstimator Rtt { get; }

    public LossDetector Detector { get; }

    public Pacer Pacer { get; }

    public ReceivedPacketTracker Receiver { get; }

    public int Drops { get; private set; }

    public int LostReported { get; private set; }

    public int PersistentCongestionEvents { get; private set; }

    public long MaxBacklogBytes { get; private set; }

    /// <summary>Each window reduction: when, the window before and after.</summary>
    public List<(Instant At, long Before, long After)> Reductions { get; } = [];

    /// <summary>Bytes delivered to the receiver by arrival time, in 100 ms bins.</summary>
    public Dictionary<long, long> DeliveredPerBin { get; } = [];

    public long MaxWindow { get; private set; }

    public long EventsProcessed { get; private set; }

    public void Run(Instant end)
    {
        SenderStep(Instant.Zero);
        while (_events.TryDequeue(out Event e, out (long Ticks, long _) key))
        {
            Instant now = Instant.FromTicks(key.Ticks);
            EventsProcessed++;
            if (now > end)
            {
                break;
            }

            switch (e.Kind)
            {
                case Kind.ArriveAtReceiver:
                    OnArrive(now, e.PacketNumber);
                    break;
                case Kind.AckArrivesAtSender:
                    OnAck(now, e.Ranges!, e.AckDelay);
                    break;
                case Kind.ReceiverAckTimer:
                    if (Receiver.IsAckPending && Receiver.AckDeadline <= now)
                    {
                        SendAck(now);
                    }

                    break;
                default:
                    if (now >= _pendingWake)
                    {
                        _pendingWake = Instant.MaxValue;
                    }

                    SenderStep(now);
                    break;
            }
        }
    }

    /// <summary>Goodput in bytes per second over [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public double Goodput(Instant from, Instant to)
    {
        long bins = 0;
        long bytes = 0;
        for (long bin = from.Ticks / BinTicks; bin < to.Ticks / BinTicks; bin++)
        {
            bytes += DeliveredPerBin.GetValueOrDefault(bin);
            bins++;
        }

        return bytes / (bins * 0.1);
    }

    public void OnPacketAcked(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames)
    {
    }

    public void OnPacketLost(PacketNumberSpace space, in SentPacket packet, ReadOnlySpan<SentFrame> frames) => LostReported++;

    private const long BinTicks = TimeSpan.TicksPerMillisecond * 100;

    private void Schedule(Instant at, Event e) => _events.Enqueue(e, (at.Ticks, _sequence++));

    private void SenderStep(Instant now)
    {
        if (Detector.Deadline <= now)
        {
            Detector.OnTimeout(now, this);
        }

        while (true)
        {
            bool probe = Detector.GetProbesOwed(PacketNumberSpace.ApplicationData) > 0;
            if (!probe && Congestion.BytesInFlight + PacketSize > Congestion.CongestionWindow)
            {
                break;
            }

            if (!probe)
            {
                Instant next = Pacer.GetNextSendTime(now, PacketSize, Congestion.CongestionWindow, Rtt.SmoothedRtt);
                if (next > now)
                {
                    Wake(next);
                    break;
                }
            }

            Send(now);
        }

        if (!Detector.Deadline.IsNever)
        {
            Wake(Detector.Deadline);
        }
    }

    private void Wake(Instant at)
    {
        // One pending wake is enough: when it fires, SenderStep schedules whatever comes next.
        if (at < _pendingWake)
        {
            _pendingWake = at;
            Schedule(at, new Event(Kind.SenderWake, 0, null, TimeSpan.Zero));
        }
    }

    private void Send(Instant now)
    {
        ulong pn = _nextPacketNumber++;
        _frame[0] = SentFrame.Stream(0, pn * PacketSize, PacketSize - 50, false);
        Detector.OnPacketSent(PacketNumberSpace.ApplicationData, pn, now, PacketSize, SentPacketFlags.AckEliciting, _frame);
        Pacer.OnPacketSent(now, PacketSize, Congestion.CongestionWindow, Rtt.SmoothedRtt);
        MaxWindow = Math.Max(MaxWindow, Congestion.CongestionWindow);

        // Drop-tail bottleneck.
        double backlogBytes = Math.Max(0, (_linkFreeAt - now).TotalSeconds) * LinkBytesPerSecond;
        if (backlogBytes + PacketSize > QueueLimitBytes)
        {
            Drops++;
            return;
        }

        MaxBacklogBytes = Math.Max(MaxBacklogBytes, (long)backlogBytes + PacketSize);
        Instant start = Instant.Max(now, _linkFreeAt);
        Instant departure = start + TimeSpan.FromSeconds(PacketSize / LinkBytesPerSecond);
        _linkFreeAt = departure;
        Schedule(departure + OneWayDelay, new Event(Kind.ArriveAtReceiver, pn, null, TimeSpan.Zero));
    }

    private void OnArrive(Instant now, ulong pn)
    {
        if (!Receiver.IsDuplicate(pn) && Receiver.OnPacketReceived(pn, true, EcnCodepoint.NotEct, now))
        {
            long bin = now.Ticks / BinTicks;
            DeliveredPerBin[bin] = DeliveredPerBin.GetValueOrDefault(bin) + PacketSize;
        }

        if (Receiver.AckDeadline <= now)
        {
            SendAck(now);
        }
        else if (!Receiver.AckDeadline.IsNever)
        {
            Schedule(Receiver.AckDeadline, new Event(Kind.ReceiverAckTimer, 0, null, TimeSpan.Zero));
        }
    }

    private void SendAck(Instant now)
    {
        var ranges = new PacketNumberRange[Receiver.RangeCount];
        Receiver.CopyRanges(ranges);
        TimeSpan delay = Receiver.GetAckDelay(now);
        Receiver.OnAckSent();
        Schedule(now + OneWayDelay, new Event(Kind.AckArrivesAtSender, 0, ranges, delay));
    }

    private void OnAck(Instant now, PacketNumberRange[] ranges, TimeSpan ackDelay)
    {
        long before = Congestion.CongestionWindow;
        int events = Congestion.CongestionEvents;
        AckProcessingResult result = Detector.OnAckReceived(PacketNumberSpace.ApplicationData, ranges, ackDelay, null, now, this);
        if (Congestion.CongestionEvents > events)
        {
            Reductions.Add((now, before, Congestion.CongestionWindow));
        }

        if (result.PersistentCongestion)
        {
            PersistentCongestionEvents++;
        }

        // The sender has now seen this ACK frame; in a real exchange the receiver learns that when
        // the sender acknowledges the packet that carried it, and then stops repeating its ranges
        // (RFC 9000 §13.2.4). Modelled here without that extra round trip: nothing depends on it.
        Receiver.OnAckFrameAcknowledged(ranges[0].End);

        SenderStep(now);
    }

    private readonly record struct Event(Kind Kind, ulong PacketNumber, PacketNumberRange[]? Ranges, TimeSpan AckDelay);
}
