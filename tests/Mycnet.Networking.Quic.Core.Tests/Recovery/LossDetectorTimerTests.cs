using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Recovery.Congestion;

namespace Mycnet.Networking.Quic.Core.Tests.Recovery;

public sealed class LossDetectorTimerTests
{
    private static LossDetector Path(bool isServer, out RttEstimator rtt)
    {
        rtt = new RttEstimator();
        return new LossDetector(rtt, new NewRenoCongestionController(), null, isServer);
    }

    private static void Send(LossDetector ld, PacketNumberSpace space, ulong pn, double ms) =>
        ld.OnPacketSent(space, pn, T.Ms(ms), 1200, SentPacketFlags.AckEliciting, [SentFrame.Ping()]);

    [Fact]
    public void ApplicationPto_IsArmedFromTheLastAckElicitingSend_IncludingMaxAckDelay_AndBacksOff()
    {
        using LossDetector ld = Path(isServer: true, out _);
        ld.OnHandshakeConfirmed(T.Ms(0));
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.ApplicationData, 0, 0);
        Send(ld, PacketNumberSpace.ApplicationData, 1, 10);

        // 333 + 4 * 166.5 + 25 ms after the last ack-eliciting packet.
        Assert.Equal(T.Ms(1034), ld.Deadline);

        LossTimeoutResult pto = ld.OnTimeout(T.Ms(1034), sink);
        Assert.Equal(new LossTimeoutResult(LossTimeoutKind.Probe, PacketNumberSpace.ApplicationData, 2, false), pto);
        Assert.Empty(sink.Lost); // a PTO declares nothing lost
        Assert.Equal(1, ld.PtoCount);
        Assert.Equal(2, ld.GetProbesOwed(PacketNumberSpace.ApplicationData));
        Assert.Equal(T.Ms(10 + (2 * 1024)), ld.Deadline);

        Send(ld, PacketNumberSpace.ApplicationData, 2, 1034);
        Assert.Equal(1, ld.GetProbesOwed(PacketNumberSpace.ApplicationData));
        Send(ld, PacketNumberSpace.ApplicationData, 3, 1034);
        Assert.Equal(0, ld.GetProbesOwed(PacketNumberSpace.ApplicationData));
        Assert.Equal(T.Ms(1034 + (2 * 1024)), ld.Deadline);

        // Second expiry: backoff 4x.
        Assert.Equal(LossTimeoutKind.Probe, ld.OnTimeout(T.Ms(1034 + 2048), sink).Kind);
        Assert.Equal(2, ld.PtoCount);
        Assert.Equal(T.Ms(1034 + (4 * 1024)), ld.Deadline);

        // An acknowledgment resets the backoff.
        ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(3), TimeSpan.Zero, null, T.Ms(3100), sink);
        Assert.Equal(0, ld.PtoCount);
    }

    [Fact]
    public void ApplicationPto_IsNotArmedBeforeHandshakeConfirmation()
    {
        using LossDetector ld = Path(isServer: true, out _);
        Send(ld, PacketNumberSpace.ApplicationData, 0, 0);
        Assert.True(ld.Deadline.IsNever);

        ld.OnHandshakeConfirmed(T.Ms(5));
        Assert.Equal(T.Ms(1024), ld.Deadline);
    }

    [Fact]
    public void HandshakePtos_UseTheEarliestSpace_WithoutMaxAckDelay()
    {
        using LossDetector ld = Path(isServer: true, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Handshake, 0, 0);
        Send(ld, PacketNumberSpace.Initial, 0, 10);
        Assert.Equal(T.Ms(999), ld.Deadline);
        Assert.Equal(new LossTimeoutResult(LossTimeoutKind.Probe, PacketNumberSpace.Handshake, 2, false), ld.OnTimeout(T.Ms(999), sink));

        // The probe goes out in Handshake; the backoff applies across spaces: Initial's PTO is now
        // 2 * 999 ms after its packet, earlier than the Handshake probe's.
        Send(ld, PacketNumberSpace.Handshake, 1, 999);
        Assert.Equal(T.Ms(10 + 1998), ld.Deadline);
        Assert.Equal(new LossTimeoutResult(LossTimeoutKind.Probe, PacketNumberSpace.Initial, 2, false), ld.OnTimeout(T.Ms(2008), sink));
    }

    [Fact]
    public void OnTimeout_BeforeTheDeadline_DoesNothing()
    {
        using LossDetector ld = Path(isServer: true, out _);
        var sink = new RecordingSink();
        Assert.Equal(LossTimeoutKind.None, ld.OnTimeout(T.Ms(10_000), sink).Kind);
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        Assert.Equal(LossTimeoutKind.None, ld.OnTimeout(T.Ms(998), sink).Kind);
        Assert.Equal(0, ld.PtoCount);
    }

    [Fact]
    public void LossTimer_TakesPrecedenceOverThePto()
    {
        using LossDetector ld = Path(isServer: true, out _);
        ld.OnHandshakeConfirmed(T.Ms(0));
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.ApplicationData, 0, 0);
        ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(0), TimeSpan.Zero, null, T.Ms(100), sink);
        Send(ld, PacketNumberSpace.ApplicationData, 1, 200);
        Send(ld, PacketNumberSpace.ApplicationData, 2, 201);
        Send(ld, PacketNumberSpace.ApplicationData, 3, 202);
        ld.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(2), TimeSpan.Zero, null, T.Ms(300), sink);

        // Packet 1 waits on the time threshold: 9/8 * srtt (99.875 ms) after it was sent;
        // packet 3 is above the largest acknowledged.
        Assert.Equal(T.Span(99.875), ld.Rtt.SmoothedRtt);
        Assert.Equal(TimeSpan.FromTicks(998_750 + (998_750 / 8)), ld.Rtt.LossDelay);
        Assert.Equal(T.Ms(200) + ld.Rtt.LossDelay, ld.Deadline);
        LossTimeoutResult fired = ld.OnTimeout(ld.Deadline, sink);
        Assert.Equal(LossTimeoutKind.LossDetected, fired.Kind);
        Assert.Equal([1UL], sink.LostNumbers);

        // Then the PTO for packet 3.
        Assert.True(ld.Deadline > T.Ms(300));
        Assert.Equal(T.Ms(202) + ld.GetProbeTimeout(PacketNumberSpace.ApplicationData), ld.Deadline);
    }

    [Fact]
    public void ClientWithoutHandshakeKeys_ArmsAntiDeadlockPto_AndProbesWithOneInitialPacket()
    {
        using LossDetector ld = Path(isServer: false, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        ld.OnAckReceived(PacketNumberSpace.Initial, T.One(0), TimeSpan.Zero, null, T.Ms(100), sink);

        // Nothing in flight, but the server may be blocked by its amplification limit:
        // PTO from now with the 100 ms sample (100 + 4 * 50 ms).
        Assert.Equal(T.Ms(400), ld.Deadline);
        LossTimeoutResult pto = ld.OnTimeout(T.Ms(400), sink);
        Assert.Equal(new LossTimeoutResult(LossTimeoutKind.Probe, PacketNumberSpace.Initial, 1, true), pto);
        Assert.Equal(1, ld.GetProbesOwed(PacketNumberSpace.Initial));

        // Still nothing in flight: armed again from now with the backoff.
        Assert.Equal(T.Ms(400 + 600), ld.Deadline);
    }

    [Fact]
    public void ClientWithHandshakeKeys_AntiDeadlockProbeIsAHandshakePacket()
    {
        using LossDetector ld = Path(isServer: false, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        ld.HasHandshakeKeys = true;
        ld.OnAckReceived(PacketNumberSpace.Initial, T.One(0), TimeSpan.Zero, null, T.Ms(100), sink);
        ld.DiscardSpace(PacketNumberSpace.Initial, T.Ms(100));

        Assert.Equal(T.Ms(400), ld.Deadline);
        Assert.Equal(new LossTimeoutResult(LossTimeoutKind.Probe, PacketNumberSpace.Handshake, 1, true), ld.OnTimeout(T.Ms(400), sink));
    }

    [Fact]
    public void ClientAntiDeadlock_StopsOnceAHandshakeAckArrivedAndTheHandshakeCompleted()
    {
        using LossDetector ld = Path(isServer: false, out _);
        var sink = new RecordingSink();
        ld.HasHandshakeKeys = true;
        Send(ld, PacketNumberSpace.Handshake, 0, 0);
        Assert.False(ld.PeerCompletedAddressValidation);
        ld.OnAckReceived(PacketNumberSpace.Handshake, T.One(0), TimeSpan.Zero, null, T.Ms(50), sink);
        Assert.True(ld.PeerCompletedAddressValidation);

        // The server's flight is still incomplete: the client keeps probing (with backoff) so its
        // ACKs reach the server again.
        Assert.False(ld.Deadline.IsNever);
        LossTimeoutResult probe = ld.OnTimeout(ld.Deadline, sink);
        Assert.Equal(LossTimeoutKind.Probe, probe.Kind);
        Assert.Equal(PacketNumberSpace.Handshake, probe.Space);
        Assert.True(probe.AntiDeadlock);
        Instant first = ld.Deadline;
        ld.OnTimeout(first, sink);
        Assert.True(ld.Deadline - first > first - T.Ms(50), "the stall probes back off");
        Assert.Equal(2, ld.PtoCount);

        ld.OnClientHandshakeComplete(T.Ms(5000));
        Assert.Equal(0, ld.PtoCount);
        Assert.True(ld.Deadline.IsNever);
    }

    [Fact]
    public void ClientPtoBackoff_IsNotResetByInitialAcks_BeforeAddressValidation()
    {
        using LossDetector ld = Path(isServer: false, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        Send(ld, PacketNumberSpace.Initial, 1, 1);
        ld.OnTimeout(ld.Deadline, sink);
        Assert.Equal(1, ld.PtoCount);

        ld.OnAckReceived(PacketNumberSpace.Initial, T.One(0), TimeSpan.Zero, null, T.Ms(1100), sink);
        Assert.Equal(1, ld.PtoCount);

        using LossDetector server = Path(isServer: true, out _);
        Send(server, PacketNumberSpace.Initial, 0, 0);
        Send(server, PacketNumberSpace.Initial, 1, 1);
        server.OnTimeout(server.Deadline, sink);
        server.OnAckReceived(PacketNumberSpace.Initial, T.One(0), TimeSpan.Zero, null, T.Ms(1100), sink);
        Assert.Equal(0, server.PtoCount);
    }

    [Fact]
    public void ServerAtAmplificationLimit_DoesNotArmThePto_UntilUnblocked()
    {
        using LossDetector ld = Path(isServer: true, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        ld.SetAmplificationLimited(true, T.Ms(1));
        Assert.True(ld.Deadline.IsNever);

        // A datagram from the client unblocks it after the PTO would have expired: due at once.
        ld.SetAmplificationLimited(false, T.Ms(2000));
        Assert.Equal(T.Ms(999), ld.Deadline);
        Assert.Equal(LossTimeoutKind.Probe, ld.OnTimeout(T.Ms(2000), sink).Kind);
    }

    [Fact]
    public void DiscardingAHandshakeSpace_ResetsThePtoBackoff()
    {
        using LossDetector ld = Path(isServer: true, out _);
        var sink = new RecordingSink();
        Send(ld, PacketNumberSpace.Initial, 0, 0);
        Send(ld, PacketNumberSpace.Handshake, 0, 0);
        ld.OnTimeout(ld.Deadline, sink);
        Assert.Equal(1, ld.PtoCount);

        ld.DiscardSpace(PacketNumberSpace.Initial, T.Ms(1000));
        Assert.Equal(0, ld.PtoCount);
        Assert.Equal(T.Ms(999), ld.Deadline);
    }

    [Fact]
    public void AdditionalMultipathPath_HasOnlyAnApplicationSpace_AndItsOwnRttAndController()
    {
        var rttA = new RttEstimator();
        var rttB = new RttEstimator(T.Span(50));
        var ccA = new NewRenoCongestionController();
        var ccB = new CubicCongestionController();
        using var pathA = new LossDetector(rttA, ccA, null, isServer: false, hasHandshakeSpaces: false);
        using var pathB = new LossDetector(rttB, ccB, null, isServer: false, hasHandshakeSpaces: false);
        var sink = new RecordingSink();

        Assert.False(pathB.HasSpace(PacketNumberSpace.Initial));
        Assert.True(pathB.HandshakeConfirmed);

        Send(pathA, PacketNumberSpace.ApplicationData, 0, 0);
        Send(pathB, PacketNumberSpace.ApplicationData, 0, 0);
        Assert.Equal(T.Ms(1024), pathA.Deadline);
        Assert.Equal(T.Ms(50 + 100 + 25), pathB.Deadline);

        pathB.OnAckReceived(PacketNumberSpace.ApplicationData, T.One(0), TimeSpan.Zero, null, T.Ms(30), sink);
        Assert.True(rttB.HasSample);
        Assert.False(rttA.HasSample);
        Assert.Equal(0, ccB.BytesInFlight);
        Assert.Equal(1200, ccA.BytesInFlight);
    }
}
