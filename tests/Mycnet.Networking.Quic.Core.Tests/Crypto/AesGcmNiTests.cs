using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>The managed AES-NI AES-GCM against the BCL's AesGcm and a published vector.</summary>
public sealed class AesGcmNiTests
{
    [Fact]
    public void Supported_OnThisMachine_OrTheBclFallbackIsUsed()
    {
        using var aead = new PacketAead(CipherSuite.Aes128GcmSha256, new byte[16], new byte[12]);
        Assert.Equal(AesGcmNi.IsSupported, aead.UsesHardwareAes);
        using var bcl = new PacketAead(CipherSuite.Aes128GcmSha256, new byte[16], new byte[12], allowHardwareAes: false);
        Assert.False(bcl.UsesHardwareAes);
    }

    [Fact]
    public void GcmSpecTestCase4_Aes128WithAssociatedData()
    {
        // The GCM specification's (McGrew and Viega) test case 4: 60 bytes of plaintext, 20 of AAD.
        byte[] key = Hex.Parse("feffe9928665731c6d6a8f9467308308");
        if (!RequireHardware(key))
        {
            return;
        }

        byte[] nonce = Hex.Parse("cafebabefacedbaddecaf888");
        byte[] data = Hex.Parse("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        byte[] aad = Hex.Parse("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        var tag = new byte[16];
        using var gcm = new AesGcmNi(key);

        gcm.Encrypt(nonce, data, tag, aad);

        Assert.Equal("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091", Hex.Of(data));
        Assert.Equal("5bc94fbc3221a5db94fae95ae7121a47", Hex.Of(tag));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(32)]
    public void EncryptAndDecrypt_MatchTheBclOnRandomKeysNoncesAndLengths(int keyLength)
    {
        if (!RequireHardware(new byte[keyLength]))
        {
            return;
        }

        var random = new Random(keyLength);
        for (int trial = 0; trial < 1500; trial++)
        {
            byte[] key = Bytes(random, keyLength);
            byte[] nonce = Bytes(random, 12);
            int length = trial < 400 ? trial : random.Next(0, 3000); // Every length up to 25 blocks, then spread.
            byte[] plaintext = Bytes(random, length);
            byte[] aad = Bytes(random, random.Next(0, 70));
            var expected = new byte[length];
            var expectedTag = new byte[16];
            using (var bcl = new AesGcm(key, 16))
            {
                bcl.Encrypt(nonce, plaintext, expected, expectedTag, aad);
            }

            using var gcm = new AesGcmNi(key);
            byte[] data = plaintext.ToArray();
            var tag = new byte[16];
            gcm.Encrypt(nonce, data, tag, aad);
            Assert.True(expected.AsSpan().SequenceEqual(data), $"ciphertext differs: key {keyLength}, length {length}, aad {aad.Length}");
            Assert.True(expectedTag.AsSpan().SequenceEqual(tag), $"tag differs: key {keyLength}, length {length}, aad {aad.Length}");

            Assert.True(gcm.TryDecrypt(nonce, data, tag, aad));
            Assert.True(plaintext.AsSpan().SequenceEqual(data));
        }
    }

    [Theory]
    [InlineData("ciphertext")]
    [InlineData("tag")]
    [InlineData("aad")]
    [InlineData("nonce")]
    public void TryDecrypt_AnyFlippedBit_FailsAndZeroesTheOutput(string where)
    {
        if (!RequireHardware(new byte[16]))
        {
            return;
        }

        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            byte[] key = Bytes(random, 16);
            byte[] nonce = Bytes(random, 12);
            byte[] data = Bytes(random, random.Next(1, 1500));
            byte[] aad = Bytes(random, random.Next(1, 40));
            var tag = new byte[16];
            using var gcm = new AesGcmNi(key);
            gcm.Encrypt(nonce, data, tag, aad);
            byte[] target = where switch { "ciphertext" => data, "tag" => tag, "aad" => aad, _ => nonce };
            target[random.Next(target.Length)] ^= (byte)(1 << random.Next(8));

            Assert.False(gcm.TryDecrypt(nonce, data, tag, aad));
            Assert.True(data.AsSpan().IndexOfAnyExcept((byte)0) < 0, "unauthenticated plaintext was left in the buffer");
        }
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    public void PacketAead_HardwareAndBcl_SealTheSameBytesAndOpenEachOther(CipherSuite suite)
    {
        var random = new Random(3);
        byte[] key = Bytes(random, suite.KeyLength());
        byte[] iv = Bytes(random, 12);
        using var hardware = new PacketAead(suite, key, iv);
        using var bcl = new PacketAead(suite, key, iv, allowHardwareAes: false);
        for (ulong pn = 0; pn < 200; pn++)
        {
            int header = random.Next(1, 60);
            int payload = random.Next(1, 1400);
            byte[] packet = Bytes(random, header + payload + 16);
            byte[] copy = packet.ToArray();
            hardware.Encrypt(packet, header, payload, pn * 7919);
            bcl.Encrypt(copy, header, payload, pn * 7919);
            Assert.True(packet.AsSpan().SequenceEqual(copy));
            Assert.True(bcl.TryDecrypt(packet, header, payload + 16, pn * 7919, out int opened));
            Assert.Equal(payload, opened);
            hardware.Encrypt(copy, header, payload, pn * 7919 + 1);
            Assert.False(bcl.TryDecrypt(copy, header, payload + 16, pn * 7919, out _));
        }
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    public void HeaderProtection_HardwareAndBcl_ComputeTheSameMask(CipherSuite suite)
    {
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            byte[] hpKey = Bytes(random, suite.HeaderProtectionKeyLength());
            byte[] sample = Bytes(random, 16);
            using var hardware = new HeaderProtector(suite, hpKey);
            using var bcl = new HeaderProtector(suite, hpKey, allowHardwareAes: false);
            var a = new byte[5];
            var b = new byte[5];
            hardware.ComputeMask(sample, a);
            bcl.ComputeMask(sample, b);
            Assert.Equal(b, a);
        }
    }

    /// <summary>True when AES-NI runs here; otherwise pins that the type refuses to be created (the BCL fallback takes over).</summary>
    private static bool RequireHardware(byte[] key)
    {
        if (AesGcmNi.IsSupported)
        {
            return true;
        }

        Assert.Throws<PlatformNotSupportedException>(() => new AesGcmNi(key));
        return false;
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
