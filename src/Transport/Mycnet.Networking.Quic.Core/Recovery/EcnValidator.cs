using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Recovery;

/// <summary>Where ECN validation of a path stands (RFC 9000 §13.4.2).</summary>
internal enum EcnValidationState
{
    /// <summary>Marking the first packets ECT(0) to test the path.</summary>
    Testing,

    /// <summary>All test packets sent; not marking until their acknowledgments validate the path.</summary>
    Unknown,

    /// <summary>Validated: marking ECT(0) and reacting to ECN-CE.</summary>
    Capable,

    /// <summary>Validation failed: not marking, ignoring ECN counts.</summary>
    Failed,
}

/// <summary>
/// ECN validation and the ECN-CE signal for one path (RFC 9000 §13.4.2, RFC 9002 §7.1).
/// </summary>
/// <remarks>
/// Design: a path starts in <see cref="EcnValidationState.Testing"/> and marks its first
/// <see cref="TestingPacketCount"/> packets ECT(0) (the connection asks
/// <see cref="ShouldMarkEct0"/> and records the mark in <see cref="SentPacketFlags.EcnEct0"/>),
/// then waits in <see cref="EcnValidationState.Unknown"/>. Each ACK that increases the largest
/// acknowledged is checked against the counts of the last one in the same packet number space:
/// counts are present when ECT-marked packets are newly acknowledged, never decrease, the
/// increase of ECT(0)+CE covers the newly acknowledged ECT(0) packets, ECT(0) never exceeds what
/// was sent, and ECT(1), which this sender never uses, stays zero. A failure, or the loss of every
/// test packet, moves the path to <see cref="EcnValidationState.Failed"/> for good; the first
/// passing check that acknowledges marked packets moves it to
/// <see cref="EcnValidationState.Capable"/>. An increase of the CE count in a passing check is a
/// congestion signal; <see cref="LossDetector"/> hands it to the congestion controller with the send
/// time of the largest newly acknowledged packet, whose recovery period limits the reaction to
/// once per round trip.
/// </remarks>
internal sealed class EcnValidator
{
    /// <summary>How many packets are marked while testing (RFC 9000 §13.4.2 suggests ten).</summary>
    public const int TestingPacketCount = 10;

    private readonly EcnCounts[] _lastCounts = new EcnCounts[EncryptionLevelExtensions.SpaceCount];
    private int _testSent;
    private int _testLost;
    private int _markedAcked;

    /// <summary>Creates a validator; <paramref name="enabled"/> false starts it in <see cref="EcnValidationState.Failed"/> (ECN off).</summary>
    public EcnValidator(bool enabled = true)
    {
        State = enabled ? EcnValidationState.Testing : EcnValidationState.Failed;
    }

    public EcnValidationState State { get; private set; }

    /// <summary>Whether the next packet sent on the path should carry ECT(0).</summary>
    public bool ShouldMarkEct0 => State is EcnValidationState.Testing or EcnValidationState.Capable;

    /// <summary>How many times validation has signalled an ECN-CE increase.</summary>
    public int CeSignals { get; private set; }

    /// <summary>Records a sent packet's marking.</summary>
    public void OnPacketSent(bool ect0)
    {
        if (ect0 && State == EcnValidationState.Testing)
        {
            _testSent++;
            if (_testSent >= TestingPacketCount)
            {
                State = EcnValidationState.Unknown;
            }
        }
    }

    /// <summary>Records lost ECT(0) packets; losing every test packet fails validation.</summary>
    public void OnPacketsLost(int ect0Lost)
    {
        if (ect0Lost <= 0 || State is not (EcnValidationState.Testing or EcnValidationState.Unknown))
        {
            return;
        }

        _testLost += ect0Lost;
        if (_markedAcked == 0 && _testLost >= _testSent)
        {
            State = EcnValidationState.Failed;
        }
    }

    /// <summary>
    /// Validates the ECN section of an ACK (RFC 9000 §13.4.2.1). Returns whether the ECN-CE count
    /// increased in a valid ACK, which is a congestion signal (RFC 9002 §7.1).
    /// </summary>
    /// <param name="space">The packet number space of the ACK.</param>
    /// <param name="acked">What the ACK newly acknowledged.</param>
    /// <param name="counts">The ACK's ECN counts, or null for an ACK frame of type 0x02.</param>
    /// <param name="ect0SentInSpace">ECT(0)-marked packets sent so far in the space.</param>
    public bool OnAckReceived(PacketNumberSpace space, in AckedSummary acked, EcnCounts? counts, ulong ect0SentInSpace)
    {
        if (State == EcnValidationState.Failed || !acked.LargestAckedIncreased)
        {
            // §13.4.2.1: an ACK that does not increase the largest acknowledged must not fail validation.
            return false;
        }

        if (counts is not { } c)
        {
            if (acked.Ect0Acked > 0)
            {
                State = EcnValidationState.Failed;
            }

            return false;
        }

        ref EcnCounts last = ref _lastCounts[(int)space];
        bool valid =
            c.Ect0 >= last.Ect0 && c.Ect1 >= last.Ect1 && c.Ce >= last.Ce
            && (c.Ect0 - last.Ect0) + (c.Ce - last.Ce) >= (ulong)acked.Ect0Acked
            && c.Ect0 <= ect0SentInSpace
            && c.Ect1 == 0;
        if (!valid)
        {
            State = EcnValidationState.Failed;
            return false;
        }

        bool ceIncreased = c.Ce > last.Ce;
        last = c;
        if (acked.Ect0Acked > 0)
        {
            _markedAcked += acked.Ect0Acked;
            if (State is EcnValidationState.Testing or EcnValidationState.Unknown)
            {
                State = EcnValidationState.Capable;
            }
        }

        if (ceIncreased)
        {
            CeSignals++;
        }

        return ceIncreased;
    }
}
