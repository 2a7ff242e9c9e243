using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class ReceivedPacketTrackerTests
{
    private static ReceivedPacketTracker App(int maxRanges = ReceivedPacketTracker.DefaultMaxRanges) =>
        new(PacketNumberSpace.ApplicationData, T.Span(25), ReceivedPacketTracker.DefaultAckElicitingThreshold, maxRanges);

    private static PacketNumberRange[] Ranges(ReceivedPacketTracker tracker)
    {
        var buffer = new PacketNumberRange[tracker.MaxRanges];
        int n = tracker.CopyRanges(buffer);
        return buffer[..n];
    }

    [Fact]
    public void SingleAckElicitingPacket_AckIsDueMaxAckDelayAfterArrival()
    {
        ReceivedPacketTracker rx = App();
        Assert.True(rx.OnPacketReceived(0, ackEliciting: true, EcnCodepoint.NotEct, T.Ms(100)));
        Assert.True(rx.IsAckPending);
        Assert.False(rx.IsAckImmediate);
        Assert.Equal(T.Ms(125), rx.AckDeadline);
    }

    [Fact]
    public void SecondAckElicitingPacket_MakesAckDueImmediately()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, true, EcnCodepoint.NotEct, T.Ms(100));
        rx.OnPacketReceived(1, true, EcnCodepoint.NotEct, T.Ms(110));
        Assert.True(rx.IsAckImmediate);
        Assert.Equal(T.Ms(110), rx.AckDeadline); // due on arrival of the second packet
    }

    [Fact]
    public void AckElicitingThreshold_IsConfigurable()
    {
        var rx = new ReceivedPacketTracker(PacketNumberSpace.ApplicationData, T.Span(25), ackElicitingThreshold: 4);
        for (ulong pn = 0; pn < 3; pn++)
        {
            rx.OnPacketReceived(pn, true, EcnCodepoint.NotEct, T.Ms(100 + pn));
            Assert.False(rx.IsAckImmediate);
        }

        Assert.Equal(T.Ms(125), rx.AckDeadline);
        rx.OnPacketReceived(3, true, EcnCodepoint.NotEct, T.Ms(103));
        Assert.True(rx.IsAckImmediate);
    }

    [Fact]
    public void NonAckElicitingPackets_NeverMakeAnAckDue_ButAreReportedWhenOneIsSent()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, false, EcnCodepoint.NotEct, T.Ms(1));
        rx.OnPacketReceived(1, false, EcnCodepoint.NotEct, T.Ms(2));
        rx.OnPacketReceived(5, false, EcnCodepoint.NotEct, T.Ms(3)); // a gap, still nothing owed
        Assert.True(rx.IsAckPending);
        Assert.True(rx.AckDeadline.IsNever);
        Assert.Equal([new PacketNumberRange(5, 5), new PacketNumberRange(0, 1)], Ranges(rx));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void InitialAndHandshakeAckElicitingPackets_AreAcknowledgedImmediately(int space)
    {
        var rx = new ReceivedPacketTracker((PacketNumberSpace)space);
        rx.OnPacketReceived(0, true, EcnCodepoint.NotEct, T.Ms(7));
        Assert.True(rx.IsAckImmediate);
        Assert.Equal(T.Ms(7), rx.AckDeadline);
    }

    [Fact]
    public void Gap_AboveLargestAckEliciting_MakesAckImmediate()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, true, EcnCodepoint.NotEct, T.Ms(0));
        rx.OnAckSent();
        rx.OnPacketReceived(2, true, EcnCodepoint.NotEct, T.Ms(1));
        Assert.True(rx.IsAckImmediate);
    }

    [Fact]
    public void PacketBelowLargestAckEliciting_MakesAckImmediate()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, true, EcnCodepoint.NotEct, T.Ms(0));
        rx.OnPacketReceived(2, true, EcnCodepoint.NotEct, T.Ms(1));
        rx.OnAckSent();
        rx.OnPacketReceived(1, true, EcnCodepoint.NotEct, T.Ms(2));
        Assert.True(rx.IsAckImmediate);
        Assert.Equal([new PacketNumberRange(0, 2)], Ranges(rx));
    }

    [Fact]
    public void GapFilledByNonAckElicitingPacket_DoesNotMakeAckImmediate()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(5, true, EcnCodepoint.NotEct, T.Ms(0));
        rx.OnAckSent();
        rx.OnPacketReceived(6, false, EcnCodepoint.NotEct, T.Ms(1));
        rx.OnPacketReceived(7, true, EcnCodepoint.NotEct, T.Ms(2));
        Assert.False(rx.IsAckImmediate);
        Assert.Equal(T.Ms(27), rx.AckDeadline);

        // A real hole between the largest ack-eliciting packet (7) and 10.
        rx.OnPacketReceived(9, false, EcnCodepoint.NotEct, T.Ms(3));
        rx.OnPacketReceived(10, true, EcnCodepoint.NotEct, T.Ms(4));
        Assert.True(rx.IsAckImmediate);
    }

    [Fact]
    public void EcnCeMarkedAckElicitingPacket_MakesAckImmediate()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, true, EcnCodepoint.Ce, T.Ms(0));
        Assert.True(rx.IsAckImmediate);
    }

    [Fact]
    public void OnAckSent_ClearsTheDeadline_UntilTheNextAckElicitingPacket()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, true, EcnCodepoint.NotEct, T.Ms(0));
        rx.OnPacketReceived(1, true, EcnCodepoint.NotEct, T.Ms(1));
        rx.OnAckSent();
        Assert.False(rx.IsAckPending);
        Assert.False(rx.IsAckImmediate);
        Assert.True(rx.AckDeadline.IsNever);

        rx.OnPacketReceived(2, true, EcnCodepoint.NotEct, T.Ms(40));
        Assert.Equal(T.Ms(65), rx.AckDeadline);
    }

    [Fact]
    public void Ranges_MergeAsGapsFill_AndAreCopiedLargestFirst()
    {
        ReceivedPacketTracker rx = App();
        foreach (ulong pn in new ulong[] { 0, 1, 2, 5, 6, 9 })
        {
            rx.OnPacketReceived(pn, false, EcnCodepoint.NotEct, T.Ms(pn));
        }

        Assert.Equal([new(9, 9), new(5, 6), new PacketNumberRange(0, 2)], Ranges(rx));

        rx.OnPacketReceived(4, false, EcnCodepoint.NotEct, T.Ms(10));
        rx.OnPacketReceived(3, false, EcnCodepoint.NotEct, T.Ms(11));
        Assert.Equal([new(9, 9), new PacketNumberRange(0, 6)], Ranges(rx));
        rx.OnPacketReceived(8, false, EcnCodepoint.NotEct, T.Ms(12));
        rx.OnPacketReceived(7, false, EcnCodepoint.NotEct, T.Ms(13));
        Assert.Equal([new PacketNumberRange(0, 9)], Ranges(rx));
        Assert.Equal(9UL, rx.LargestReceived);
        Assert.Equal(T.Ms(9), rx.LargestReceivedTime);
    }

    [Fact]
    public void CopyRanges_IntoShortDestination_KeepsTheNewestRanges()
    {
        ReceivedPacketTracker rx = App();
        for (ulong pn = 0; pn < 20; pn += 2)
        {
            rx.OnPacketReceived(pn, false, EcnCodepoint.NotEct, T.Ms(pn));
        }

        Span<PacketNumberRange> two = stackalloc PacketNumberRange[2];
        Assert.Equal(2, rx.CopyRanges(two));
        Assert.Equal(new PacketNumberRange(18, 18), two[0]);
        Assert.Equal(new PacketNumberRange(16, 16), two[1]);
    }

    [Fact]
    public void RangeCap_DropsTheOldestRange_AndTreatsPacketsBelowTheWindowAsDuplicates()
    {
        ReceivedPacketTracker rx = App(maxRanges: 4);
        foreach (ulong pn in new ulong[] { 10, 12, 14, 16 })
        {
            rx.OnPacketReceived(pn, false, EcnCodepoint.NotEct, T.Ms(pn));
        }

        Assert.Equal(4, rx.RangeCount);

        // All slots taken: a packet that would open a range below the oldest is outside the window;
        // one adjacent to the oldest range merges and is accepted.
        Assert.True(rx.IsDuplicate(5));
        Assert.False(rx.OnPacketReceived(5, true, EcnCodepoint.NotEct, T.Ms(17)));
        Assert.False(rx.IsDuplicate(9));

        // A new range on top drops the oldest and raises the floor above it.
        rx.OnPacketReceived(18, false, EcnCodepoint.NotEct, T.Ms(18));
        Assert.Equal(4, rx.RangeCount);
        Assert.Equal(11UL, rx.Floor);
        Assert.Equal([new(18, 18), new(16, 16), new(14, 14), new PacketNumberRange(12, 12)], Ranges(rx));
        Assert.True(rx.IsDuplicate(10));
        Assert.False(rx.OnPacketReceived(10, true, EcnCodepoint.NotEct, T.Ms(19)));
        Assert.False(rx.IsDuplicate(11)); // adjacent to [12,12]

        // Thousands of scattered packets never grow the set past the cap.
        for (ulong pn = 20; pn < 5000; pn += 2)
        {
            rx.OnPacketReceived(pn, false, EcnCodepoint.NotEct, T.Ms(20));
        }

        Assert.Equal(4, rx.RangeCount);
        Assert.Equal([new(4998, 4998), new(4996, 4996), new(4994, 4994), new PacketNumberRange(4992, 4992)], Ranges(rx));
        Assert.Equal(4991UL, rx.Floor);
        Assert.True(rx.IsDuplicate(4990));
        Assert.True(rx.IsDuplicate(4998));
        Assert.False(rx.IsDuplicate(4993));
        Assert.False(rx.IsDuplicate(5001));
    }

    [Fact]
    public void AckOfAck_StopsReportingRangesAtOrBelowItsLargestAcknowledged()
    {
        ReceivedPacketTracker rx = App();
        for (ulong pn = 0; pn <= 5; pn++)
        {
            rx.OnPacketReceived(pn, true, EcnCodepoint.NotEct, T.Ms(pn));
        }

        for (ulong pn = 8; pn <= 12; pn++)
        {
            rx.OnPacketReceived(pn, true, EcnCodepoint.NotEct, T.Ms(pn));
        }

        rx.OnAckFrameAcknowledged(9);
        Assert.Equal([new PacketNumberRange(10, 12)], Ranges(rx));
        Assert.Equal(10UL, rx.Floor);
        Assert.True(rx.IsDuplicate(7)); // never received, but below the pruned window
        Assert.Equal(12UL, rx.LargestReceived);

        // An older ACK's acknowledgment changes nothing.
        rx.OnAckFrameAcknowledged(3);
        Assert.Equal([new PacketNumberRange(10, 12)], Ranges(rx));

        rx.OnAckFrameAcknowledged(12);
        Assert.Empty(Ranges(rx));
        Assert.Equal(12UL, rx.LargestReceived);
        Assert.True(rx.OnPacketReceived(13, true, EcnCodepoint.NotEct, T.Ms(20)));
        Assert.Equal([new PacketNumberRange(13, 13)], Ranges(rx));
    }

    [Fact]
    public void Duplicate_IsRejected_AndNotCountedTwice()
    {
        ReceivedPacketTracker rx = App();
        Assert.False(rx.IsDuplicate(3));
        Assert.True(rx.OnPacketReceived(3, true, EcnCodepoint.Ect0, T.Ms(0)));
        Assert.True(rx.IsDuplicate(3));
        rx.OnAckSent();
        Assert.False(rx.OnPacketReceived(3, true, EcnCodepoint.Ect0, T.Ms(1)));
        Assert.False(rx.IsAckPending);
        Assert.Equal(new EcnCounts(1, 0, 0), rx.EcnCounts);
    }

    [Fact]
    public void EcnCounts_AreKeptPerCodepoint_AndAbsentWhenNothingWasMarked()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(0, false, EcnCodepoint.NotEct, T.Ms(0));
        Assert.Null(rx.EcnCounts);
        rx.OnPacketReceived(1, false, EcnCodepoint.Ect0, T.Ms(0));
        rx.OnPacketReceived(2, false, EcnCodepoint.Ect0, T.Ms(0));
        rx.OnPacketReceived(3, false, EcnCodepoint.Ect1, T.Ms(0));
        rx.OnPacketReceived(4, false, EcnCodepoint.Ce, T.Ms(0));
        Assert.Equal(new EcnCounts(2, 1, 1), rx.EcnCounts);
    }

    [Fact]
    public void AckDelay_IsMeasuredFromTheLargestPacket_AndEncodedWithTheExponent()
    {
        ReceivedPacketTracker rx = App();
        rx.OnPacketReceived(4, true, EcnCodepoint.NotEct, T.Ms(100));
        rx.OnPacketReceived(2, true, EcnCodepoint.NotEct, T.Ms(105)); // not the largest: does not move the reference time
        Assert.Equal(T.Span(10), rx.GetAckDelay(T.Ms(110)));
        Assert.Equal(10_000UL >> 3, rx.EncodeAckDelay(T.Ms(110), 3));
        Assert.Equal(10_000UL, rx.EncodeAckDelay(T.Ms(110), 0));
        Assert.Equal(0UL, rx.EncodeAckDelay(T.Ms(50), 3));
    }
}
