using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>RFC 9001 Appendix A reproduced byte for byte, in both directions.</summary>
public sealed class Rfc9001AppendixATests
{
    [Fact]
    public void Rfc9001_A1_InitialSecretFromSaltAndClientDcid()
    {
        byte[] initialSecret = HKDF.Extract(HashAlgorithmName.SHA256, Hex.Parse(Rfc9001Vectors.ClientDcid), QuicKeySchedule.InitialSaltV1.ToArray());
        Assert.Equal("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44", Hex.Of(initialSecret));
    }

    [Fact]
    public void Rfc9001_A1_ClientAndServerInitialSecretsAndKeys()
    {
        var client = new byte[32];
        var server = new byte[32];
        QuicKeySchedule.DeriveInitialSecrets(Hex.Parse(Rfc9001Vectors.ClientDcid), client, server);
        Assert.Equal("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea", Hex.Of(client));
        Assert.Equal("3c199828fd139efd216c155ad844cc81fb82fa8d7446fa7d78be803acdda951b", Hex.Of(server));

        AssertKeys(client, "1f369613dd76d5467730efcbe3b1a22d", "fa044b2f42a3fd3b46fb255c", "9f50449e04a0e810283a1e9933adedd2");
        AssertKeys(server, "cf3a5331653c364c88f0f379b6067e37", "0ac1493ca1905853b0bba03e", "c206b8d9b9f0f37644430b490eeaa314");
    }

    [Fact]
    public void Rfc9001_A2_ClientInitialHeaderProtectionMaskFromSample()
    {
        using var store = new PacketProtectionKeyStore();
        store.InstallInitial(Hex.Parse(Rfc9001Vectors.ClientDcid), isClient: true);
        Assert.True(store.TryGetWriteKeys(EncryptionLevel.Initial, out _));

        using var protector = new HeaderProtector(CipherSuite.Aes128GcmSha256, Hex.Parse("9f50449e04a0e810283a1e9933adedd2"));
        Span<byte> mask = stackalloc byte[5];
        protector.ComputeMask(Hex.Parse("d1b1c98dd7689fb8ec11d242b123dc9b"), mask);
        Assert.Equal("437b9aec36", Hex.Of(mask));
    }

    [Fact]
    public void Rfc9001_A2_ClientInitialProtectsToTheRfcPacket()
    {
        byte[] packet = Rfc9001Vectors.ClientInitialPlaintextPacket(out int headerLength, out int payloadLength);
        Assert.Equal(1200, packet.Length);
        using var store = new PacketProtectionKeyStore();
        store.InstallInitial(Hex.Parse(Rfc9001Vectors.ClientDcid), isClient: true);
        Assert.True(store.TryGetWriteKeys(EncryptionLevel.Initial, out PacketProtectionKeys? keys));

        keys.EncryptPayload(packet, headerLength, payloadLength, packetNumber: 2);
        keys.ApplyHeaderProtection(packet, pnOffset: 18, pnLength: 4);

        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ClientProtectedPacket)), Hex.Of(packet));
    }

    [Fact]
    public void Rfc9001_A2_ServerUnprotectsTheClientInitialToTheRfcPlaintext()
    {
        byte[] packet = Hex.Parse(Rfc9001Vectors.ClientProtectedPacket);
        byte[] expected = Rfc9001Vectors.ClientInitialPlaintextPacket(out int expectedHeaderLength, out int expectedPayloadLength);
        using var store = new PacketProtectionKeyStore();
        store.InstallInitial(Hex.Parse(Rfc9001Vectors.ClientDcid), isClient: false);
        Assert.True(store.TryGetReadKeys(EncryptionLevel.Initial, out PacketProtectionKeys? keys));

        Assert.True(keys.TryRemoveHeaderProtection(packet, pnOffset: 18, out int pnLength, out uint truncated));
        Assert.Equal(4, pnLength);
        Assert.Equal(2u, truncated);
        ulong pn = Rfc9001Vectors.DecodePacketNumber(-1, truncated, pnLength);
        int headerLength = 18 + pnLength;
        const int lengthField = 0x049e; // the header's Length: packet number + payload + tag
        Assert.True(keys.TryDecryptPayload(packet, headerLength, lengthField - pnLength, pn, out int plaintextLength));

        Assert.Equal(expectedHeaderLength, headerLength);
        Assert.Equal(expectedPayloadLength, plaintextLength);
        Assert.Equal(Hex.Of(expected.AsSpan(0, headerLength + plaintextLength)), Hex.Of(packet.AsSpan(0, headerLength + plaintextLength)));
    }

    [Fact]
    public void Rfc9001_A3_ServerInitialProtectsToTheRfcPacket()
    {
        byte[] header = Hex.Parse(Rfc9001Vectors.ServerUnprotectedHeader);
        byte[] payload = Hex.Parse(Rfc9001Vectors.ServerPayload);
        var packet = new byte[header.Length + payload.Length + 16];
        header.CopyTo(packet, 0);
        payload.CopyTo(packet, header.Length);
        using var store = new PacketProtectionKeyStore();
        store.InstallInitial(Hex.Parse(Rfc9001Vectors.ClientDcid), isClient: false);
        Assert.True(store.TryGetWriteKeys(EncryptionLevel.Initial, out PacketProtectionKeys? keys));

        keys.EncryptPayload(packet, header.Length, payload.Length, packetNumber: 1);
        Assert.Equal("2cd0991cd25b0aac406a5816b6394100", Hex.Of(packet.AsSpan(18 + 4, 16)));
        keys.ApplyHeaderProtection(packet, pnOffset: 18, pnLength: 2);

        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ServerProtectedPacket)), Hex.Of(packet));
    }

    [Fact]
    public void Rfc9001_A3_ClientUnprotectsTheServerInitialToTheRfcPlaintext()
    {
        byte[] packet = Hex.Parse(Rfc9001Vectors.ServerProtectedPacket);
        using var store = new PacketProtectionKeyStore();
        store.InstallInitial(Hex.Parse(Rfc9001Vectors.ClientDcid), isClient: true);
        Assert.True(store.TryGetReadKeys(EncryptionLevel.Initial, out PacketProtectionKeys? keys));

        Assert.True(keys.TryRemoveHeaderProtection(packet, pnOffset: 18, out int pnLength, out uint truncated));
        Assert.Equal(2, pnLength);
        Assert.Equal(1u, truncated);
        const int lengthField = 0x0075;
        Assert.True(keys.TryDecryptPayload(packet, 18 + pnLength, lengthField - pnLength, Rfc9001Vectors.DecodePacketNumber(-1, truncated, pnLength), out int plaintextLength));

        Assert.Equal(Rfc9001Vectors.ServerUnprotectedHeader, Hex.Of(packet.AsSpan(0, 20)));
        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ServerPayload)), Hex.Of(packet.AsSpan(20, plaintextLength)));
    }

    [Fact]
    public void Rfc9001_A4_RetryIntegrityTagMatches()
    {
        byte[] retry = Hex.Parse(Rfc9001Vectors.RetryPacket);
        byte[] odcid = Hex.Parse(Rfc9001Vectors.ClientDcid);
        var tag = new byte[16];

        RetryIntegrity.ComputeTag(odcid, retry.AsSpan(0, retry.Length - 16), tag);

        Assert.Equal(Hex.Of(retry.AsSpan(retry.Length - 16)), Hex.Of(tag));
        Assert.True(RetryIntegrity.Verify(odcid, retry));
    }

    [Fact]
    public void Rfc9001_A5_ChaCha20KeysFromSecret()
    {
        byte[] secret = Hex.Parse(Rfc9001Vectors.ChaChaSecret);
        var key = new byte[32];
        var iv = new byte[12];
        var hp = new byte[32];
        var ku = new byte[32];
        QuicKeySchedule.DeriveKey(CipherSuite.ChaCha20Poly1305Sha256, secret, key);
        QuicKeySchedule.DeriveIv(CipherSuite.ChaCha20Poly1305Sha256, secret, iv);
        QuicKeySchedule.DeriveHeaderProtectionKey(CipherSuite.ChaCha20Poly1305Sha256, secret, hp);
        QuicKeySchedule.DeriveNextSecret(CipherSuite.ChaCha20Poly1305Sha256, secret, ku);

        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ChaChaKey)), Hex.Of(key));
        Assert.Equal(Rfc9001Vectors.ChaChaIv, Hex.Of(iv));
        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ChaChaHp)), Hex.Of(hp));
        Assert.Equal(Hex.Of(Hex.Parse(Rfc9001Vectors.ChaChaKu)), Hex.Of(ku));
    }

    [Fact]
    public void Rfc9001_A5_ChaCha20ShortHeaderProtectsToTheRfcPacket()
    {
        byte[] packet = ChaChaPlaintextPacket();
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.ChaCha20Poly1305Sha256, Hex.Parse(Rfc9001Vectors.ChaChaSecret));

        keys.EncryptPayload(packet, headerLength: 4, plaintextLength: 1, Rfc9001Vectors.ChaChaPacketNumber);
        Assert.Equal("655e5cd55c41f69080575d7999c25a5bfb", Hex.Of(packet.AsSpan(4)));
        keys.ApplyHeaderProtection(packet, pnOffset: 1, pnLength: 3);

        Assert.Equal(Rfc9001Vectors.ChaChaPacket, Hex.Of(packet));
    }

    [Fact]
    public void Rfc9001_A5_ChaCha20HeaderProtectionMask()
    {
        using var protector = new HeaderProtector(CipherSuite.ChaCha20Poly1305Sha256, Hex.Parse(Rfc9001Vectors.ChaChaHp));
        Span<byte> mask = stackalloc byte[5];
        protector.ComputeMask(Hex.Parse("5e5cd55c41f69080575d7999c25a5bfb"), mask);
        Assert.Equal("aefefe7d03", Hex.Of(mask));
    }

    [Fact]
    public void Rfc9001_A5_OneRttKeySetInPhaseZeroProducesTheRfcPacket()
    {
        byte[] secret = Hex.Parse(Rfc9001Vectors.ChaChaSecret);
        using var set = new OneRttKeySet(CipherSuite.ChaCha20Poly1305Sha256, secret, secret);
        byte[] packet = ChaChaPlaintextPacket();

        set.EncryptPayload(packet, 4, 1, Rfc9001Vectors.ChaChaPacketNumber);
        set.ApplyHeaderProtection(packet, 1, 3);

        Assert.Equal(Rfc9001Vectors.ChaChaPacket, Hex.Of(packet));
    }

    [Fact]
    public void Rfc9001_A5_ChaCha20ShortHeaderUnprotectsToTheRfcPlaintext()
    {
        byte[] packet = Hex.Parse(Rfc9001Vectors.ChaChaPacket);
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.ChaCha20Poly1305Sha256, Hex.Parse(Rfc9001Vectors.ChaChaSecret));

        Assert.True(keys.TryRemoveHeaderProtection(packet, pnOffset: 1, out int pnLength, out uint truncated));
        Assert.Equal(3, pnLength);
        Assert.Equal(49140u, truncated);
        ulong pn = Rfc9001Vectors.DecodePacketNumber((long)Rfc9001Vectors.ChaChaPacketNumber - 1, truncated, pnLength);
        Assert.Equal(Rfc9001Vectors.ChaChaPacketNumber, pn);
        Assert.True(keys.TryDecryptPayload(packet, 1 + pnLength, packet.Length - 1 - pnLength, pn, out int plaintextLength));

        Assert.Equal(1, plaintextLength);
        Assert.Equal(Rfc9001Vectors.ChaChaUnprotectedHeader + "01", Hex.Of(packet.AsSpan(0, 5)));
    }

    private static byte[] ChaChaPlaintextPacket()
    {
        var packet = new byte[21];
        Hex.Parse(Rfc9001Vectors.ChaChaUnprotectedHeader).CopyTo(packet, 0);
        packet[4] = 0x01; // PING
        return packet;
    }

    private static void AssertKeys(byte[] secret, string key, string iv, string hp)
    {
        var k = new byte[16];
        var i = new byte[12];
        var h = new byte[16];
        QuicKeySchedule.DeriveKey(CipherSuite.Aes128GcmSha256, secret, k);
        QuicKeySchedule.DeriveIv(CipherSuite.Aes128GcmSha256, secret, i);
        QuicKeySchedule.DeriveHeaderProtectionKey(CipherSuite.Aes128GcmSha256, secret, h);
        Assert.Equal(key, Hex.Of(k));
        Assert.Equal(iv, Hex.Of(i));
        Assert.Equal(hp, Hex.Of(h));
    }
}
