using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>Reproducers of the engine bugs the mutation campaign found, reduced to one datagram each.</summary>
public sealed class MutationRegressionTests
{
    [Fact]
    public void Mutation_HandshakeCompletedButNeverConfirmed_TimesOutInsteadOfSpinningOnAPastDeadline()
    {
        // Found by the campaign (e.g. seed 0x4d757431, run 15): a client whose handshake completed but
        // whose HANDSHAKE_DONE never came kept the handshake deadline, long past, as its next deadline
        // while HandleTimeout ignored it, so a driver spun on it forever.
        using var pair = new MutationPair(seed: 21);
        Connection client = pair.Connect(new TransportSettings { HandshakeTimeout = TimeSpan.FromSeconds(2) });
        pair.RunUntil(() => client.IsHandshakeComplete, TimeSpan.FromSeconds(5), "handshake completion");
        pair.Links.BToA.IsUp = false; // HANDSHAKE_DONE (and everything else from the server) is lost from now on

        pair.RunUntil(() => client.State == ConnectionState.Terminated, TimeSpan.FromSeconds(10), "the client giving up");

        Assert.False(client.IsHandshakeConfirmed);
        Assert.Equal(CloseReason.HandshakeTimeout, client.CloseInfo?.Reason);
    }

    [Fact]
    public void Mutation_CorruptedInitialWithAnotherSourceConnectionId_ArrivingFirst_DoesNotBreakTheHandshake()
    {
        // Found by the campaign (seed 0x4d757431, run 448): the endpoint accepts a connection from a
        // client Initial's header before the packet is authenticated; the server then kept that
        // unauthenticated Source Connection ID, so when a corrupted copy arrived first the real
        // client's initial_source_connection_id no longer matched (TRANSPORT_PARAMETER_ERROR).
        using var pair = new MutationPair(seed: 22);
        bool forged = false;
        pair.Server.Interceptor = (host, now, local, remote, datagram, ecn) =>
        {
            if (forged)
            {
                return;
            }

            forged = true;
            byte[] copy = (byte[])datagram.Clone();
            int dcidLength = copy[5];
            copy[7 + dcidLength] ^= 0xff; // the first byte of the Source Connection ID
            host.Deliver(now, local, remote, copy, ecn);
        };
        Connection client = pair.Connect();

        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5), "the handshake");

        Assert.Single(pair.Server.Connections);
        Assert.Null(pair.ServerConnection!.CloseInfo);
    }

    [Fact]
    public void Mutation_ServerInitialWithATokenThatFailsAuthentication_IsDroppedNotFatal()
    {
        // Found by the campaign (seed 0x4d757431, run 568): the client checked "a server Initial
        // carries no token" (RFC 9000 §17.2.2) before authenticating the packet, so one corrupted
        // datagram closed the connection with PROTOCOL_VIOLATION.
        using var pair = new MutationPair(seed: 23);
        bool forged = false;
        pair.Client.Interceptor = (host, now, local, remote, datagram, ecn) =>
        {
            if (forged || (datagram[0] & 0xb0) != 0x80)
            {
                return; // only the server's first datagram, which starts with an Initial packet
            }

            forged = true;
            int tokenLengthOffset = 7 + datagram[5] + datagram[6 + datagram[5]];
            Assert.Equal(0, datagram[tokenLengthOffset]);
            byte[] copy = MutationBytes.Splice(datagram, tokenLengthOffset, 1, [0x01, 0xaa]); // a one-byte token
            Assert.True(PacketHeader.TryParse(copy, 8, out PacketHeader header) && header.Token.Length == 1);
            host.Deliver(now, local, remote, copy, ecn);
        };
        Connection client = pair.Connect();

        pair.RunUntil(() => client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "the handshake");

        Assert.True(forged);
        Assert.Null(client.CloseInfo);
    }

    [Fact]
    public void Mutation_AckDelayOfTwoToTheSixtyTwoBeforeConfirmation_IsASampleNotAnOverflow()
    {
        // Found by the campaign (seed 0x4d757431, run 2891: a server ACK in the client's first
        // 1-RTT packet with ACK Delay 2^62-1): the delay decodes to TimeSpan.MaxValue, is not yet
        // clamped to max_ack_delay (RFC 9002 §5.3), and min_rtt + ack_delay overflowed.
        var rtt = new RttEstimator();
        rtt.AddSample(TimeSpan.FromMilliseconds(20), TimeSpan.Zero, TimeSpan.FromMilliseconds(25), handshakeConfirmed: false, Instant.Zero);

        TimeSpan hugeDelay = AckFrame.DecodeAckDelay(VarInt.MaxValue, 3);
        rtt.AddSample(TimeSpan.FromMilliseconds(28), hugeDelay, TimeSpan.FromMilliseconds(25), handshakeConfirmed: false, Instant.Zero);

        // The delay cannot be subtracted (it would go below min_rtt), so the sample counts as is.
        Assert.Equal(TimeSpan.MaxValue, hugeDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(21), rtt.SmoothedRtt);
    }
}
