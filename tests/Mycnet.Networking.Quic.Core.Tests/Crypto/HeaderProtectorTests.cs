using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

public sealed class HeaderProtectorTests
{
    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256, true)]
    [InlineData(CipherSuite.Aes128GcmSha256, false)]
    [InlineData(CipherSuite.Aes256GcmSha384, true)]
    [InlineData(CipherSuite.Aes256GcmSha384, false)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, true)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256, false)]
    public void Apply_MasksExactlyTheProtectedBitsAndPacketNumberBytes(CipherSuite suite, bool longHeader)
    {
        var random = new Random(42);
        var hpKey = new byte[suite.HeaderProtectionKeyLength()];
        random.NextBytes(hpKey);
        using var protector = new HeaderProtector(suite, hpKey);
        for (int trial = 0; trial < 64; trial++)
        {
            int pnLength = 1 + (trial % 4);
            var packet = new byte[40];
            random.NextBytes(packet);
            packet[0] = (byte)((longHeader ? 0x80 : 0x00) | (packet[0] & 0x7c) | (pnLength - 1));
            const int pnOffset = 10;
            byte[] before = packet.ToArray();
            var mask = new byte[5];
            protector.ComputeMask(packet.AsSpan(pnOffset + 4, 16), mask);

            protector.Apply(packet, pnOffset, pnLength);

            int protectedBits = longHeader ? 0x0f : 0x1f;
            Assert.Equal(before[0] ^ (mask[0] & protectedBits), packet[0]);
            for (int i = 1; i < packet.Length; i++)
            {
                bool isPn = i >= pnOffset && i < pnOffset + pnLength;
                Assert.Equal(isPn ? before[i] ^ mask[1 + i - pnOffset] : before[i], packet[i]);
            }

            Assert.True(protector.TryRemove(packet, pnOffset, out int readLength, out uint truncated));
            Assert.Equal(pnLength, readLength);
            Assert.Equal(before, packet);
            uint expectedPn = 0;
            for (int i = 0; i < pnLength; i++)
            {
                expectedPn = (expectedPn << 8) | before[pnOffset + i];
            }

            Assert.Equal(expectedPn, truncated);
        }
    }

    [Fact]
    public void Constructor_RejectsAKeyOfTheWrongLength()
    {
        Assert.Throws<ArgumentException>(() => new HeaderProtector(CipherSuite.Aes128GcmSha256, new byte[32]));
        Assert.Throws<ArgumentException>(() => new HeaderProtector(CipherSuite.ChaCha20Poly1305Sha256, new byte[16]));
    }
}
