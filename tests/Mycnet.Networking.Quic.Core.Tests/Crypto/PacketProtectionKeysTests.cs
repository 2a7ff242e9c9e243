using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class PacketProtectionKeysTests
{
    public static TheoryData<CipherSuite, int, int, bool> RoundTripCases()
    {
        var data = new TheoryData<CipherSuite, int, int, bool>();
        foreach (CipherSuite suite in new[] { CipherSuite.Aes128GcmSha256, CipherSuite.Aes256GcmSha384, CipherSuite.ChaCha20Poly1305Sha256 })
        {
            for (int pnLength = 1; pnLength <= 4; pnLength++)
            {
                data.Add(suite, pnLength, 4 - pnLength, false); // the minimum payload that leaves a full sample
                data.Add(suite, pnLength, 1162, true);
                data.Add(suite, pnLength, 300, false);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void ProtectThenUnprotect_RestoresHeaderAndPayload(CipherSuite suite, int pnLength, int payloadLength, bool longHeader)
    {
        byte[] secret = TestPackets.Secret(suite, seed: pnLength + payloadLength);
        using var sender = PacketProtectionKeys.FromSecret(suite, secret);
        using var receiver = PacketProtectionKeys.FromSecret(suite, secret);
        ulong pn = 0x1234_5678_9abcUL + (ulong)payloadLength;
        byte[] packet = TestPackets.Build(longHeader, pnLength, pn, payloadLength, seed: payloadLength, out int pnOffset);
        byte[] original = packet.ToArray();
        int headerLength = pnOffset + pnLength;

        sender.EncryptPayload(packet, headerLength, payloadLength, pn);
        sender.ApplyHeaderProtection(packet, pnOffset, pnLength);
        if (payloadLength > 0)
        {
            Assert.NotEqual(Hex.Of(original.AsSpan(headerLength, payloadLength)), Hex.Of(packet.AsSpan(headerLength, payloadLength)));
        }

        Assert.Equal(original[0] & (longHeader ? 0xf0 : 0xe0), packet[0] & (longHeader ? 0xf0 : 0xe0));

        Assert.True(receiver.TryRemoveHeaderProtection(packet, pnOffset, out int readPnLength, out uint truncated));
        Assert.Equal(pnLength, readPnLength);
        Assert.Equal(pn & (pnLength == 4 ? 0xffff_ffffUL : (1UL << (8 * pnLength)) - 1), truncated);
        Assert.True(receiver.TryDecryptPayload(packet, headerLength, payloadLength + 16, pn, out int plaintextLength));
        Assert.Equal(payloadLength, plaintextLength);
        Assert.Equal(Hex.Of(original.AsSpan(0, headerLength + payloadLength)), Hex.Of(packet.AsSpan(0, headerLength + payloadLength)));
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void EncryptPayload_InPlaceEqualsAnOutOfPlaceBclSealWithTheDerivedKeyAndNonce(CipherSuite suite)
    {
        byte[] secret = TestPackets.Secret(suite, seed: 7);
        var key = new byte[suite.KeyLength()];
        var iv = new byte[12];
        QuicKeySchedule.DeriveKey(suite, secret, key);
        QuicKeySchedule.DeriveIv(suite, secret, iv);
        const ulong pn = 0x0102_0304_0506UL;
        byte[] packet = TestPackets.Build(false, 2, pn, 500, seed: 3, out int pnOffset);
        int headerLength = pnOffset + 2;
        byte[] header = packet.AsSpan(0, headerLength).ToArray();
        byte[] plaintext = packet.AsSpan(headerLength, 500).ToArray();

        using var keys = PacketProtectionKeys.FromSecret(suite, secret);
        keys.EncryptPayload(packet, headerLength, 500, pn);

        byte[] nonce = iv.ToArray();
        for (int i = 0; i < 8; i++)
        {
            nonce[11 - i] ^= (byte)(pn >> (8 * i));
        }

        var expected = new byte[500];
        var tag = new byte[16];
        if (suite == CipherSuite.ChaCha20Poly1305Sha256)
        {
            using var aead = new ChaCha20Poly1305(key);
            aead.Encrypt(nonce, plaintext, expected, tag, header);
        }
        else
        {
            using var aead = new AesGcm(key, 16);
            aead.Encrypt(nonce, plaintext, expected, tag, header);
        }

        Assert.Equal(Hex.Of(expected), Hex.Of(packet.AsSpan(headerLength, 500)));
        Assert.Equal(Hex.Of(tag), Hex.Of(packet.AsSpan(headerLength + 500, 16)));
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256, "ciphertext")]
    [InlineData(CipherSuite.Aes128GcmSha256, "header")]
    [InlineData(CipherSuite.Aes128GcmSha256, "tag")]
    [InlineData(CipherSuite.Aes128GcmSha256, "packet number")]
    [InlineData(CipherSuite.Aes256GcmSha384, "ciphertext")]
    [InlineData(CipherSuite.Aes256GcmSha384, "header")]
    [InlineData(CipherSuite.Aes256GcmSha384, "tag")]
    [InlineData(CipherSuite.Aes256GcmSha384, "packet number")]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, "ciphertext")]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, "header")]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, "tag")]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, "packet number")]
    public void TryDecryptPayload_RejectsTamperingWithoutThrowingAndCountsTheFailure(CipherSuite suite, string tampered)
    {
        byte[] secret = TestPackets.Secret(suite, seed: 11);
        var integrity = new AeadIntegrityCounter();
        using var sender = PacketProtectionKeys.FromSecret(suite, secret);
        using var receiver = PacketProtectionKeys.FromSecret(suite, secret, integrity);
        const ulong pn = 77;
        byte[] packet = TestPackets.Build(true, 2, pn, 200, seed: 5, out int pnOffset);
        int headerLength = pnOffset + 2;
        sender.EncryptPayload(packet, headerLength, 200, pn);
        sender.ApplyHeaderProtection(packet, pnOffset, 2);
        Assert.True(receiver.TryRemoveHeaderProtection(packet, pnOffset, out _, out _));

        ulong decodedPn = pn;
        switch (tampered)
        {
            case "ciphertext": packet[headerLength + 50] ^= 0x01; break;
            case "header": packet[3] ^= 0x80; break; // a DCID byte: associated data
            case "tag": packet[headerLength + 200 + 15] ^= 0x40; break;
            default: decodedPn = pn + 256; break; // a wrongly decoded packet number changes the nonce
        }

        Assert.False(receiver.TryDecryptPayload(packet, headerLength, 216, decodedPn, out int plaintextLength));
        Assert.Equal(0, plaintextLength);
        Assert.Equal(1, receiver.FailedDecryptions);
        Assert.Equal(1, integrity.FailedPackets);
    }

    [Fact]
    public void TryDecryptPayload_WithKeysOfAnotherSecretFails()
    {
        using var sender = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 1));
        using var receiver = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 2));
        byte[] packet = TestPackets.Build(false, 4, 9, 40, seed: 1, out int pnOffset);
        sender.EncryptPayload(packet, pnOffset + 4, 40, 9);
        Assert.False(receiver.TryDecryptPayload(packet, pnOffset + 4, 56, 9, out _));
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void TryRemoveHeaderProtection_TooShortForASample_ReturnsFalseAndLeavesThePacketAlone(CipherSuite suite)
    {
        using var keys = PacketProtectionKeys.FromSecret(suite, TestPackets.Secret(suite, 3));
        const int pnOffset = 9;
        var packet = new byte[pnOffset + 4 + 16 - 1];
        new Random(4).NextBytes(packet);
        byte[] before = packet.ToArray();

        Assert.False(keys.TryRemoveHeaderProtection(packet, pnOffset, out int pnLength, out uint truncated));
        Assert.Equal(0, pnLength);
        Assert.Equal(0u, truncated);
        Assert.Equal(before, packet);

        Assert.False(keys.TryRemoveHeaderProtection(packet, pnOffset: 0, out _, out _));
        Assert.False(keys.TryRemoveHeaderProtection(packet, pnOffset: -1, out _, out _));
        Assert.False(keys.TryRemoveHeaderProtection(Span<byte>.Empty, pnOffset: 1, out _, out _));
        Assert.True(keys.TryRemoveHeaderProtection(new byte[pnOffset + 20], pnOffset, out _, out _));
    }

    [Fact]
    public void ApplyHeaderProtection_RejectsAnUnpaddedPacketAndAMismatchedPacketNumberLength()
    {
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 3));
        var shortPacket = new byte[1 + 8 + 1 + 1 + 16]; // 1-byte pn, 1-byte payload: sample does not fit
        shortPacket[0] = 0x40;
        Assert.Throws<ArgumentException>(() => keys.ApplyHeaderProtection(shortPacket, 9, 1));

        var packet = new byte[64];
        packet[0] = 0x41; // Packet Number Length bits say 2
        Assert.Throws<ArgumentException>(() => keys.ApplyHeaderProtection(packet, 9, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => keys.ApplyHeaderProtection(packet, 9, 5));
    }

    [Fact]
    public void TryDecryptPayload_LengthsFromTheWireThatDoNotFit_ReturnFalseWithoutCountingAFailure()
    {
        var integrity = new AeadIntegrityCounter();
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 3), integrity);
        var packet = new byte[100];
        Assert.False(keys.TryDecryptPayload(packet, 20, 15, 0, out _));
        Assert.False(keys.TryDecryptPayload(packet, 20, 81, 0, out _));
        Assert.False(keys.TryDecryptPayload(packet, 20, int.MaxValue, 0, out _));
        Assert.False(keys.TryDecryptPayload(packet, -1, 50, 0, out _));
        Assert.False(keys.TryDecryptPayload(packet, 20, 50, 1UL << 62, out _));
        Assert.Equal(0, integrity.FailedPackets);
    }

    [Fact]
    public void EncryptPayload_WithoutRoomForTheTagOrWithAnOversizedPacketNumber_Throws()
    {
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 3));
        var packet = new byte[100];
        Assert.Throws<ArgumentOutOfRangeException>(() => keys.EncryptPayload(packet, 20, 65, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => keys.EncryptPayload(packet, 20, 10, 1UL << 62));
        keys.EncryptPayload(packet, 20, 64, (1UL << 62) - 1);
    }

    [Fact]
    public void FromSecret_RejectsASecretOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => PacketProtectionKeys.FromSecret(CipherSuite.Aes256GcmSha384, new byte[32]));
        Assert.Throws<ArgumentException>(() => PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, new byte[48]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PacketProtectionKeys.FromSecret((CipherSuite)0x1304, new byte[32]));
    }

    [Fact]
    public void DisposedKeys_CannotBeUsed()
    {
        var keys = PacketProtectionKeys.FromSecret(CipherSuite.Aes128GcmSha256, TestPackets.Secret(CipherSuite.Aes128GcmSha256, 3));
        keys.Dispose();
        keys.Dispose();
        var packet = new byte[100];
        Assert.True(keys.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => keys.EncryptPayload(packet, 20, 10, 0));
        Assert.Throws<ObjectDisposedException>(() => keys.TryDecryptPayload(packet, 20, 30, 0, out _));
        Assert.Throws<ObjectDisposedException>(() => keys.TryRemoveHeaderProtection(packet, 9, out _, out _));
        Assert.Throws<ObjectDisposedException>(() => keys.ApplyHeaderProtection(packet, 9, 1));
    }
}
