using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class RetryIntegrityTests
{
    private static readonly byte[] Odcid = Hex.Parse(Rfc9001Vectors.ClientDcid);

    [Fact]
    public void Verify_RejectsAnyChangedByteOfTheRetryPacket()
    {
        byte[] retry = Hex.Parse(Rfc9001Vectors.RetryPacket);
        for (int i = 0; i < retry.Length; i++)
        {
            byte[] tampered = retry.ToArray();
            tampered[i] ^= 0x01;
            Assert.False(RetryIntegrity.Verify(Odcid, tampered), $"byte {i}");
        }
    }

    [Fact]
    public void Verify_RejectsAnotherOriginalDestinationConnectionId()
    {
        byte[] retry = Hex.Parse(Rfc9001Vectors.RetryPacket);
        Assert.False(RetryIntegrity.Verify(Hex.Parse("8394c8f03e515709"), retry));
        Assert.False(RetryIntegrity.Verify(Odcid.AsSpan(0, 7), retry));
        Assert.False(RetryIntegrity.Verify(new byte[21], retry));
    }

    [Fact]
    public void Verify_RejectsPacketsShorterThanATag()
    {
        Assert.False(RetryIntegrity.Verify(Odcid, new byte[15]));
        Assert.False(RetryIntegrity.Verify(Odcid, ReadOnlySpan<byte>.Empty));
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(8, 100)]
    [InlineData(20, 4000)] // beyond the stack buffer: the pooled path
    public void ComputeTag_EqualsAesGcmOverThePseudoPacket(int odcidLength, int tokenLength)
    {
        var random = new Random(odcidLength + tokenLength);
        byte[] odcid = new byte[odcidLength];
        random.NextBytes(odcid);
        byte[] retry = new byte[1 + 4 + 1 + 8 + 1 + 8 + tokenLength];
        random.NextBytes(retry);
        var tag = new byte[16];
        RetryIntegrity.ComputeTag(odcid, retry, tag);

        byte[] pseudo = [(byte)odcidLength, .. odcid, .. retry];
        var expected = new byte[16];
        using var aead = new AesGcm(Hex.Parse("be0c690b9f66575a1d766b54e368c84e"), 16);
        aead.Encrypt(Hex.Parse("461599d35d632bf2239825bb"), Array.Empty<byte>(), Array.Empty<byte>(), expected, pseudo);
        Assert.Equal(Hex.Of(expected), Hex.Of(tag));

        byte[] packet = [.. retry, .. tag];
        Assert.True(RetryIntegrity.Verify(odcid, packet));
    }
}
