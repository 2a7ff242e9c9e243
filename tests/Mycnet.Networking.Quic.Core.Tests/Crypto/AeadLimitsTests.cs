using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class AeadLimitsTests
{
    [Fact]
    public void Limits_AreTheRfc9001Section6_6Values()
    {
        Assert.Equal(1L << 23, CipherSuite.Aes128GcmSha256.ConfidentialityLimit());
        Assert.Equal(1L << 23, CipherSuite.Aes256GcmSha384.ConfidentialityLimit());
        Assert.Equal(long.MaxValue, CipherSuite.ChaCha20Poly1305Sha256.ConfidentialityLimit());
        Assert.Equal(1L << 52, CipherSuite.Aes128GcmSha256.IntegrityLimit());
        Assert.Equal(1L << 52, CipherSuite.Aes256GcmSha384.IntegrityLimit());
        Assert.Equal(1L << 36, CipherSuite.ChaCha20Poly1305Sha256.IntegrityLimit());
        Assert.Equal((1L << 23) / 8 * 6, AeadLimits.NearThreshold(1L << 23));
    }

    [Fact]
    public void ConfidentialityLimit_NearAtThreeQuartersThenReachedThenSealingThrows()
    {
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.Aes256GcmSha384, TestPackets.Secret(CipherSuite.Aes256GcmSha384, 1), confidentialityLimit: 16);
        var packet = new byte[64];
        for (ulong pn = 0; pn < 16; pn++)
        {
            Assert.Equal(pn >= 12, keys.IsConfidentialityLimitNear);
            Assert.False(keys.IsConfidentialityLimitReached);
            keys.EncryptPayload(packet, 10, 20, pn);
        }

        Assert.Equal(16, keys.EncryptedPackets);
        Assert.True(keys.IsConfidentialityLimitReached);
        Assert.Throws<InvalidOperationException>(() => keys.EncryptPayload(packet, 10, 20, 16));
        Assert.Equal(16, keys.EncryptedPackets);
    }

    [Fact]
    public void ConfidentialityLimit_ChaCha20HasNone()
    {
        using var keys = PacketProtectionKeys.FromSecret(CipherSuite.ChaCha20Poly1305Sha256, TestPackets.Secret(CipherSuite.ChaCha20Poly1305Sha256, 1));
        var packet = new byte[64];
        for (ulong pn = 0; pn < 100; pn++)
        {
            keys.EncryptPayload(packet, 10, 20, pn);
        }

        Assert.False(keys.IsConfidentialityLimitNear);
        Assert.False(keys.IsConfidentialityLimitReached);
    }

    [Fact]
    public void IntegrityCounter_ExceededOnlyAboveTheLimit()
    {
        var counter = new AeadIntegrityCounter(limitOverride: 2);
        counter.RecordFailure(CipherSuite.Aes128GcmSha256);
        counter.RecordFailure(CipherSuite.Aes128GcmSha256);
        Assert.False(counter.IsLimitExceeded);
        counter.RecordFailure(CipherSuite.Aes128GcmSha256);
        Assert.True(counter.IsLimitExceeded);
    }

    [Fact]
    public void IntegrityCounter_LimitIsTheLowestOfTheAeadsThatFailed()
    {
        var counter = new AeadIntegrityCounter();
        Assert.Equal(long.MaxValue, counter.Limit);
        counter.RecordFailure(CipherSuite.Aes128GcmSha256);
        Assert.Equal(1L << 52, counter.Limit);
        counter.RecordFailure(CipherSuite.ChaCha20Poly1305Sha256);
        Assert.Equal(1L << 36, counter.Limit);
        counter.RecordFailure(CipherSuite.Aes256GcmSha384);
        Assert.Equal(1L << 36, counter.Limit);
        Assert.Equal(3, counter.FailedPackets);
        Assert.False(counter.IsLimitExceeded);
    }
}
