using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>1-RTT key updates (RFC 9001 §6) between a client and a server key set.</summary>
public sealed class OneRttKeySetTests
{
    private const int PnOffset = 9;
    private const int HeaderLength = PnOffset + 4;
    private const int PayloadLength = 20;
    private static readonly TimeSpan Pto = TimeSpan.FromMilliseconds(100);
    private static readonly Instant Start = Instant.FromTimeSpan(TimeSpan.FromSeconds(1));

    [Fact]
    public void KeyUpdate_InitiatorMovesToTheNextPhaseAndThePeerResponds()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        Instant now = Start;
        pair.ConfirmHandshake();
        Assert.True(Open(pair.Server, Seal(pair.Client, 0), now, out _));
        Assert.True(Open(pair.Client, Seal(pair.Server, 0), now, out _));
        pair.Client.OnPacketAcknowledged(0);

        Assert.True(pair.Client.TryInitiateKeyUpdate(now));
        Assert.True(pair.Client.KeyPhase);
        Assert.Equal(1, pair.Client.KeyUpdateCount);
        Assert.True(pair.Client.HasPreviousReadKeys);

        byte[] updated = Seal(pair.Client, 1);
        Assert.True(PhaseBit(pair.Server, updated));
        Assert.True(Open(pair.Server, updated, now, out _));
        Assert.True(pair.Server.KeyPhase);
        Assert.Equal(1, pair.Server.KeyUpdateCount);
        Assert.Equal(now + (Pto * 3), pair.Server.PreviousKeysDiscardDeadline);

        // RFC 9001 §6.2: the responder's next packet (and its acknowledgment) uses the new keys.
        byte[] response = Seal(pair.Server, 1);
        Assert.True(PhaseBit(pair.Client, response));
        Assert.True(Open(pair.Client, response, now, out _));
        Assert.Equal(now + (Pto * 3), pair.Client.PreviousKeysDiscardDeadline);
    }

    [Fact]
    public void KeyUpdate_InitiationNeedsAConfirmedHandshakeAndAnAckedPacketOfTheCurrentPhase()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        Instant now = Start;
        Seal(pair.Client, 0);
        pair.Client.OnPacketAcknowledged(0);
        Assert.False(pair.Client.CanInitiateKeyUpdate(now)); // handshake not confirmed
        Assert.False(pair.Client.TryInitiateKeyUpdate(now));
        Assert.False(pair.Client.KeyPhase);

        using var other = new Pair(CipherSuite.Aes128GcmSha256);
        other.ConfirmHandshake();
        Assert.False(other.Client.CanInitiateKeyUpdate(now)); // nothing sent, nothing acknowledged
        Seal(other.Client, 5);
        other.Client.OnPacketAcknowledged(4); // not a packet of this phase
        Assert.False(other.Client.CanInitiateKeyUpdate(now));
        other.Client.OnPacketAcknowledged(5);
        Assert.True(other.Client.CanInitiateKeyUpdate(now));
    }

    [Fact]
    public void KeyUpdate_AckOfAPacketSentBeforeTheUpdateDoesNotPermitTheNextOne()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        Instant now = Start;
        pair.ConfirmHandshake();
        Seal(pair.Client, 0);
        pair.Client.OnPacketAcknowledged(0);
        Assert.True(pair.Client.TryInitiateKeyUpdate(now));
        Seal(pair.Client, 1);
        Assert.True(Open(pair.Client, Seal(pair.Server, 0), now, out _)); // old phase, opened with previous keys
        pair.Client.OnPacketAcknowledged(0);
        Assert.False(pair.Client.IsCurrentPhaseAcknowledged);
        pair.Client.OnPacketAcknowledged(1);
        Assert.True(pair.Client.IsCurrentPhaseAcknowledged);
    }

    [Fact]
    public void KeyUpdate_PacketSentAfterInitiatingCarriesTheNewPhaseWhateverTheHeaderSaid()
    {
        using var pair = new Pair(CipherSuite.ChaCha20Poly1305Sha256);
        pair.ConfirmHandshake();
        Seal(pair.Client, 0, keyPhaseBitInHeader: true);
        Assert.False(PhaseBit(pair.Server, Seal(pair.Client, 1, keyPhaseBitInHeader: true)));
        pair.Client.OnPacketAcknowledged(1);
        Assert.True(pair.Client.TryInitiateKeyUpdate(Start));
        Assert.True(PhaseBit(pair.Server, Seal(pair.Client, 2, keyPhaseBitInHeader: false)));
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void KeyUpdate_BothSidesInitiateInTurnAndEveryPacketOpens(CipherSuite suite)
    {
        using var pair = new Pair(suite);
        pair.ConfirmHandshake();
        Instant now = Start;
        ulong clientPn = 0;
        ulong serverPn = 0;
        for (int round = 0; round < 6; round++)
        {
            OneRttKeySet initiator = round % 2 == 0 ? pair.Client : pair.Server;
            OneRttKeySet responder = round % 2 == 0 ? pair.Server : pair.Client;
            ref ulong initiatorPn = ref round % 2 == 0 ? ref clientPn : ref serverPn;
            ref ulong responderPn = ref round % 2 == 0 ? ref serverPn : ref clientPn;

            // Traffic in the current phase, acknowledged both ways.
            ulong sent = initiatorPn++;
            Assert.True(Open(responder, Seal(initiator, sent), now, out _));
            ulong answer = responderPn++;
            Assert.True(Open(initiator, Seal(responder, answer), now, out _));
            initiator.OnPacketAcknowledged(sent);
            responder.OnPacketAcknowledged(answer);

            Assert.True(initiator.TryInitiateKeyUpdate(now), $"round {round}");
            Assert.True(Open(responder, Seal(initiator, initiatorPn++), now, out _));
            Assert.True(Open(initiator, Seal(responder, responderPn++), now, out _));
            Assert.Equal(round + 1, initiator.KeyUpdateCount);
            Assert.Equal(round + 1, responder.KeyUpdateCount);
            Assert.Equal(initiator.KeyPhase, responder.KeyPhase);
            Assert.Equal(round % 2 == 0, initiator.KeyPhase);

            // Next update only after the previous keys are gone (3×PTO).
            Assert.False(responder.CanInitiateKeyUpdate(now));
            now += (Pto * 3) + TimeSpan.FromMilliseconds(1);
            pair.Client.HandleTimeout(now);
            pair.Server.HandleTimeout(now);
            Assert.False(pair.Client.HasPreviousReadKeys);
            Assert.False(pair.Server.HasPreviousReadKeys);
        }
    }

    [Fact]
    public void KeyUpdate_ReorderedOldPhasePacketsOpenWithin3PtoAndFailAfter()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        pair.ConfirmHandshake();
        Instant now = Start;
        Assert.True(Open(pair.Server, Seal(pair.Client, 0), now, out _));
        Assert.True(Open(pair.Client, Seal(pair.Server, 0), now, out _));
        pair.Client.OnPacketAcknowledged(0);
        byte[] old1 = Seal(pair.Client, 1);
        byte[] old2 = Seal(pair.Client, 2);
        Assert.True(pair.Client.TryInitiateKeyUpdate(now));
        byte[] new3 = Seal(pair.Client, 3);

        Assert.True(Open(pair.Server, new3, now, out _)); // the update arrives first
        Assert.True(pair.Server.HasPreviousReadKeys);
        Assert.True(Open(pair.Server, old1, now + (Pto * 2), out ulong pn1)); // delayed, within 3×PTO
        Assert.Equal(1UL, pn1);
        Assert.True(pair.Server.KeyPhase);

        now += (Pto * 3);
        Assert.False(Open(pair.Server, old2, now, out _)); // previous keys discarded at the deadline
        Assert.False(pair.Server.HasPreviousReadKeys);
        Assert.Equal(Instant.MaxValue, pair.Server.PreviousKeysDiscardDeadline);
        Assert.True(pair.Server.KeyPhase);
        Assert.Equal(1, pair.Server.KeyUpdateCount);
        Assert.True(Open(pair.Server, Seal(pair.Client, 4), now, out _));
    }

    [Fact]
    public void KeyUpdate_InitiatorKeepsPreviousKeysUntil3PtoAfterTheFirstNewPhasePacketArrives()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        pair.ConfirmHandshake();
        Assert.True(Open(pair.Server, Seal(pair.Client, 0), Start, out _));
        byte[] serverOld = Seal(pair.Server, 0);
        pair.Client.OnPacketAcknowledged(0);
        Assert.True(pair.Client.TryInitiateKeyUpdate(Start));
        Instant late = Start + TimeSpan.FromSeconds(60);
        pair.Client.HandleTimeout(late);
        Assert.True(pair.Client.HasPreviousReadKeys); // RFC 9001 §6.1: kept until a new-phase packet opened
        Assert.True(Open(pair.Client, serverOld, late, out _));

        Assert.True(Open(pair.Server, Seal(pair.Client, 1), late, out _));
        Assert.True(Open(pair.Client, Seal(pair.Server, 1), late, out _));
        Assert.Equal(late + (Pto * 3), pair.Client.PreviousKeysDiscardDeadline);
        pair.Client.HandleTimeout(late + (Pto * 3) - TimeSpan.FromTicks(1));
        Assert.True(pair.Client.HasPreviousReadKeys);
        pair.Client.HandleTimeout(late + (Pto * 3));
        Assert.False(pair.Client.HasPreviousReadKeys);
    }

    [Fact]
    public void KeyUpdate_ForgedFlippedKeyPhaseIsDroppedWithoutChangingState()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        pair.ConfirmHandshake();
        Assert.True(Open(pair.Server, Seal(pair.Client, 0), Start, out _));
        Seal(pair.Server, 0);
        byte[] packet = Seal(pair.Client, 1);

        // Flip the Key Phase bit under header protection (unprotect, flip, reprotect with the
        // client's hp key): the packet now claims a key update it cannot authenticate.
        Assert.True(pair.ClientKeys.TryRemoveHeaderProtection(packet, PnOffset, out _, out _));
        packet[0] ^= OneRttKeySet.KeyPhaseBit;
        pair.ClientKeys.ApplyHeaderProtection(packet, PnOffset, 4);

        Assert.False(Open(pair.Server, packet, Start, out _));
        Assert.False(pair.Server.KeyPhase);
        Assert.Equal(0, pair.Server.KeyUpdateCount);
        Assert.Equal(1, pair.Integrity.FailedPackets);
        Assert.True(Open(pair.Server, Seal(pair.Client, 2), Start, out _));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void KeyUpdate_SecondUpdateBeforeWeSentInTheNewPhaseIsKeyUpdateError(bool serverSendsInNewPhaseFirst)
    {
        // A conforming client and a shadow server reach phase 2; the real server sees only some packets.
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        using var shadow = new OneRttKeySet(CipherSuite.Aes128GcmSha256, pair.ClientSecret, pair.ServerSecret);
        pair.ConfirmHandshake();
        Instant now = Start;
        byte[] c0 = Seal(pair.Client, 0);
        Assert.True(Open(shadow, c0, now, out _));
        Assert.True(Open(pair.Client, Seal(shadow, 0), now, out _));
        pair.Client.OnPacketAcknowledged(0);
        Assert.True(pair.Client.TryInitiateKeyUpdate(now));
        byte[] c1 = Seal(pair.Client, 1);
        Assert.True(Open(shadow, c1, now, out _));
        Assert.True(Open(pair.Client, Seal(shadow, 1), now, out _));
        pair.Client.OnPacketAcknowledged(1);
        now += Pto * 4;
        Assert.True(pair.Client.TryInitiateKeyUpdate(now));
        byte[] c2 = Seal(pair.Client, 2);

        Assert.True(Open(pair.Server, c0, now, out _));
        Seal(pair.Server, 0); // acknowledges c0 in phase 0
        Assert.True(Open(pair.Server, c1, now, out _)); // the client's first update: fine
        Assert.True(pair.Server.KeyPhase);
        if (serverSendsInNewPhaseFirst)
        {
            Seal(pair.Server, 1); // acknowledges c1 in phase 1: the client may update again
            Assert.True(Open(pair.Server, c2, now, out _));
            Assert.Equal(2, pair.Server.KeyUpdateCount);
        }
        else
        {
            QuicProtocolException error = Assert.Throws<QuicProtocolException>(() => Open(pair.Server, c2, now, out _));
            Assert.Equal(TransportErrorCode.KeyUpdateError, error.ErrorCode);
        }
    }

    [Fact]
    public void KeyUpdate_PeerUpdatingBeforeWeSentAnythingInPhaseZeroIsKeyUpdateError()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        pair.ConfirmHandshake();
        Assert.True(Open(pair.Server, Seal(pair.Client, 0), Start, out _));
        pair.Client.OnPacketAcknowledged(0); // a peer that pretends it was acknowledged
        Assert.True(pair.Client.TryInitiateKeyUpdate(Start));
        QuicProtocolException error = Assert.Throws<QuicProtocolException>(() => Open(pair.Server, Seal(pair.Client, 1), Start, out _));
        Assert.Equal(TransportErrorCode.KeyUpdateError, error.ErrorCode);
    }

    [Fact]
    public void KeyUpdate_NewPhasePacketNumberBelowAnOldPhaseOneIsKeyUpdateError()
    {
        // Two senders with the client's secrets: one stays in phase 0, the other moves to phase 1.
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        using var updated = new OneRttKeySet(CipherSuite.Aes128GcmSha256, pair.ServerSecret, pair.ClientSecret);
        updated.OnHandshakeConfirmed();
        Seal(updated, 1);
        updated.OnPacketAcknowledged(1);
        Assert.True(updated.TryInitiateKeyUpdate(Start));

        Assert.True(Open(pair.Server, Seal(pair.Client, 5), Start, out _));
        Seal(pair.Server, 0);
        QuicProtocolException error = Assert.Throws<QuicProtocolException>(() => Open(pair.Server, Seal(updated, 3), Start, out _));
        Assert.Equal(TransportErrorCode.KeyUpdateError, error.ErrorCode);
        Assert.False(pair.Server.KeyPhase);
    }

    [Fact]
    public void KeyUpdate_OldPhasePacketNumberAboveANewPhaseOneIsKeyUpdateError()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        using var updated = new OneRttKeySet(CipherSuite.Aes128GcmSha256, pair.ServerSecret, pair.ClientSecret);
        updated.OnHandshakeConfirmed();
        Seal(updated, 1);
        updated.OnPacketAcknowledged(1);
        Assert.True(updated.TryInitiateKeyUpdate(Start));
        byte[] new7 = Seal(updated, 7);
        byte[] new10 = Seal(updated, 10);

        Assert.True(Open(pair.Server, Seal(pair.Client, 0), Start, out _));
        Seal(pair.Server, 0);
        Assert.True(Open(pair.Server, new10, Start, out _)); // update, lowest new-phase pn 10
        Assert.True(Open(pair.Server, Seal(pair.Client, 8), Start, out _)); // old keys, 8 < 10: fine so far
        QuicProtocolException error = Assert.Throws<QuicProtocolException>(() => Open(pair.Server, new7, Start, out _));
        Assert.Equal(TransportErrorCode.KeyUpdateError, error.ErrorCode);
    }

    [Fact]
    public void KeyUpdate_ConfidentialityLimitNearTriggersAnUpdateThatResetsTheCount()
    {
        var integrity = new AeadIntegrityCounter();
        var clientSecret = TestPackets.Secret(CipherSuite.Aes128GcmSha256, 1);
        var serverSecret = TestPackets.Secret(CipherSuite.Aes128GcmSha256, 2);
        using var client = new OneRttKeySet(CipherSuite.Aes128GcmSha256, serverSecret, clientSecret, integrity, confidentialityLimit: 8);
        client.OnHandshakeConfirmed();
        for (ulong pn = 0; pn < 6; pn++)
        {
            Assert.False(client.IsConfidentialityLimitNear);
            Seal(client, pn);
        }

        Assert.True(client.IsConfidentialityLimitNear);
        client.OnPacketAcknowledged(5);
        Assert.True(client.TryInitiateKeyUpdate(Start));
        Assert.False(client.IsConfidentialityLimitNear);
        Assert.Equal(0, client.EncryptedPacketsInPhase);
        for (ulong pn = 6; pn < 14; pn++)
        {
            Seal(client, pn);
        }

        Assert.True(client.IsConfidentialityLimitReached);
        Assert.Throws<InvalidOperationException>(() => Seal(client, 14));
    }

    [Fact]
    public void KeyUpdate_SendingRequiresIncreasingPacketNumbersAndAShortHeader()
    {
        using var pair = new Pair(CipherSuite.Aes128GcmSha256);
        Seal(pair.Client, 4);
        Assert.Throws<ArgumentOutOfRangeException>(() => Seal(pair.Client, 4));
        var longHeader = new byte[64];
        longHeader[0] = 0xc3;
        Assert.Throws<ArgumentException>(() => pair.Client.EncryptPayload(longHeader, 13, 20, 9));
    }

    private static byte[] Seal(OneRttKeySet sender, ulong pn, bool keyPhaseBitInHeader = false)
    {
        var packet = new byte[HeaderLength + PayloadLength + 16];
        packet[0] = (byte)(0x43 | (keyPhaseBitInHeader ? OneRttKeySet.KeyPhaseBit : 0));
        packet.AsSpan(1, 8).Fill(0xaa);
        for (int i = 0; i < 4; i++)
        {
            packet[PnOffset + i] = (byte)(pn >> (8 * (3 - i)));
        }

        packet.AsSpan(HeaderLength, PayloadLength).Fill((byte)pn);
        sender.EncryptPayload(packet, HeaderLength, PayloadLength, pn);
        sender.ApplyHeaderProtection(packet, PnOffset, 4);
        return packet;
    }

    private static bool Open(OneRttKeySet receiver, byte[] protectedPacket, Instant now, out ulong pn)
    {
        byte[] packet = protectedPacket.ToArray();
        Assert.True(receiver.TryRemoveHeaderProtection(packet, PnOffset, out int pnLength, out uint truncated));
        Assert.Equal(4, pnLength);
        pn = truncated;
        if (!receiver.TryDecryptPayload(packet, HeaderLength, PayloadLength + 16, pn, now, Pto, out int plaintextLength))
        {
            return false;
        }

        Assert.Equal(PayloadLength, plaintextLength);
        Assert.True(packet.AsSpan(HeaderLength, PayloadLength).IndexOfAnyExcept((byte)pn) < 0);
        return true;
    }

    private static bool PhaseBit(OneRttKeySet receiver, byte[] protectedPacket)
    {
        byte[] packet = protectedPacket.ToArray();
        Assert.True(receiver.TryRemoveHeaderProtection(packet, PnOffset, out _, out _));
        return (packet[0] & OneRttKeySet.KeyPhaseBit) != 0;
    }

    private sealed class Pair : IDisposable
    {
        public Pair(CipherSuite suite)
        {
            ClientSecret = TestPackets.Secret(suite, 101);
            ServerSecret = TestPackets.Secret(suite, 202);
            Integrity = new AeadIntegrityCounter();
            Client = new OneRttKeySet(suite, ServerSecret, ClientSecret);
            Server = new OneRttKeySet(suite, ClientSecret, ServerSecret, Integrity);
            ClientKeys = PacketProtectionKeys.FromSecret(suite, ClientSecret);
        }

        public byte[] ClientSecret { get; }

        public byte[] ServerSecret { get; }

        public AeadIntegrityCounter Integrity { get; }

        public OneRttKeySet Client { get; }

        public OneRttKeySet Server { get; }

        // Keys from the client's secret: its hp key, for tests that rewrite protected headers.
        public PacketProtectionKeys ClientKeys { get; }

        public void ConfirmHandshake()
        {
            Client.OnHandshakeConfirmed();
            Server.OnHandshakeConfirmed();
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
            ClientKeys.Dispose();
        }
    }
}
