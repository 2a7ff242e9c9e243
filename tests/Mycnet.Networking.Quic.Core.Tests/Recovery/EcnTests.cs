using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class EcnTests
{
    private static AckedSummary Acked(int ect0, bool increased = true) => new(ect0, true, T.Ms(0), true, ect0, increased);

    [Fact]
    public void Validator_MarksTheFirstTenPackets_ThenWaits_ThenBecomesCapableOnAValidAck()
    {
        var ecn = new EcnValidator();
        for (int i = 0; i < EcnValidator.TestingPacketCount; i++)
        {
            Assert.True(ecn.ShouldMarkEct0);
            ecn.OnPacketSent(ect0: true);
        }

        Assert.Equal(EcnValidationState.Unknown, ecn.State);
        Assert.False(ecn.ShouldMarkEct0);

        Assert.False(ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(3), new EcnCounts(3, 0, 0), 10));
        Assert.Equal(EcnValidationState.Capable, ecn.State);
        Assert.True(ecn.ShouldMarkEct0);
    }

    [Fact]
    public void Validator_FailsWhenCountsAreMissingForAcknowledgedMarkedPackets()
    {
        var ecn = new EcnValidator();
        ecn.OnPacketSent(true);
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(1), null, 1);
        Assert.Equal(EcnValidationState.Failed, ecn.State);
        Assert.False(ecn.ShouldMarkEct0);
    }

    [Fact]
    public void Validator_FailsWhenCountsDecrease()
    {
        var ecn = new EcnValidator();
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(2), new EcnCounts(2, 0, 1), 5);
        Assert.NotEqual(EcnValidationState.Failed, ecn.State);
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(0), new EcnCounts(2, 0, 0), 5);
        Assert.Equal(EcnValidationState.Failed, ecn.State);
    }

    [Fact]
    public void Validator_FailsWhenTheIncreaseDoesNotCoverNewlyAcknowledgedMarkedPackets()
    {
        var ecn = new EcnValidator();
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(3), new EcnCounts(1, 0, 1), 5);
        Assert.Equal(EcnValidationState.Failed, ecn.State);
    }

    [Fact]
    public void Validator_FailsOnEct1OrMoreEct0ThanSent()
    {
        var ect1 = new EcnValidator();
        ect1.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(1), new EcnCounts(1, 1, 0), 5);
        Assert.Equal(EcnValidationState.Failed, ect1.State);

        var tooMany = new EcnValidator();
        tooMany.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(1), new EcnCounts(6, 0, 0), 5);
        Assert.Equal(EcnValidationState.Failed, tooMany.State);
    }

    [Fact]
    public void Validator_DoesNotFailOnAReorderedAckThatDoesNotIncreaseTheLargestAcknowledged()
    {
        var ecn = new EcnValidator();
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(2), new EcnCounts(2, 0, 0), 5);
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(1, increased: false), new EcnCounts(0, 0, 0), 5);
        Assert.Equal(EcnValidationState.Capable, ecn.State);
    }

    [Fact]
    public void Validator_FailsWhenEveryTestPacketIsLost()
    {
        var ecn = new EcnValidator();
        for (int i = 0; i < 10; i++)
        {
            ecn.OnPacketSent(true);
        }

        ecn.OnPacketsLost(9);
        Assert.Equal(EcnValidationState.Unknown, ecn.State);
        ecn.OnPacketsLost(1);
        Assert.Equal(EcnValidationState.Failed, ecn.State);
    }

    [Fact]
    public void Validator_CountsArePerPacketNumberSpace()
    {
        var ecn = new EcnValidator();
        ecn.OnAckReceived(PacketNumberSpace.Initial, Acked(2), new EcnCounts(2, 0, 0), 2);
        ecn.OnAckReceived(PacketNumberSpace.ApplicationData, Acked(1), new EcnCounts(1, 0, 0), 3);
        Assert.Equal(EcnValidationState.Capable, ecn.State);
    }

    [Fact]
    public void LossDetector_ValidationFailure_DisablesEcnForThePath()
    {
        var ecn = new EcnValidator();
        using LossDetector ld = T.Detector(out _, out _, ecn: ecn);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0), flags: SentPacketFlags.AckEliciting | SentPacketFlags.EcnEct0);
        ld.SendApp(1, T.Ms(1), flags: SentPacketFlags.AckEliciting | SentPacketFlags.EcnEct0);

        // The network bleached the marks: the ACK reports no ECN counts.
        ld.AckApp(T.Ms(50), sink, (0, 1));
        Assert.Equal(EcnValidationState.Failed, ecn.State);
        Assert.False(ecn.ShouldMarkEct0);
    }

    [Fact]
    public void LossDetector_EcnCeIncrease_ReducesTheWindowOncePerRoundTrip()
    {
        var ecn = new EcnValidator();
        using LossDetector ld = T.Detector(out _, out ICongestionController cc, ecn: ecn);
        var sink = new RecordingSink();
        const SentPacketFlags Marked = SentPacketFlags.AckEliciting | SentPacketFlags.EcnEct0;
        for (ulong pn = 0; pn < 6; pn++)
        {
            ld.SendApp(pn, T.Ms(pn), flags: Marked);
        }

        AckProcessingResult first = ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.Ranges((0, 1)), TimeSpan.Zero, new EcnCounts(1, 0, 1), T.Ms(100), sink);
        Assert.True(first.EcnCongestion);
        Assert.Equal(1, cc.CongestionEvents);
        long reduced = cc.CongestionWindow;
        Assert.Equal(6000, reduced);

        // More CE marks on packets sent before the reduction: same round, no second reduction.
        AckProcessingResult second = ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.Ranges((0, 3)), TimeSpan.Zero, new EcnCounts(2, 0, 2), T.Ms(101), sink);
        Assert.True(second.EcnCongestion);
        Assert.Equal(1, cc.CongestionEvents);
        Assert.Equal(reduced, cc.CongestionWindow);

        // A packet sent after the reduction is CE-marked: the next round's reduction.
        ld.SendApp(6, T.Ms(150), flags: Marked);
        ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.Ranges((6, 6), (0, 3)), TimeSpan.Zero, new EcnCounts(2, 0, 3), T.Ms(250), sink);
        Assert.Equal(2, cc.CongestionEvents);
        Assert.Equal(3000, cc.CongestionWindow);
        Assert.Equal(EcnValidationState.Capable, ecn.State);
    }

    [Fact]
    public void LossDetector_CeIncreaseIsIgnored_OnceValidationHasFailed()
    {
        var ecn = new EcnValidator(enabled: false);
        using LossDetector ld = T.Detector(out _, out ICongestionController cc, ecn: ecn);
        var sink = new RecordingSink();
        ld.SendApp(0, T.Ms(0));
        AckProcessingResult result = ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(0), TimeSpan.Zero, new EcnCounts(0, 0, 1), T.Ms(50), sink);
        Assert.False(result.EcnCongestion);
        Assert.Equal(0, cc.CongestionEvents);
    }
}
