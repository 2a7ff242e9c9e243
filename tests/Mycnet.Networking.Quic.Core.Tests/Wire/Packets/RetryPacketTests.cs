using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

public sealed class RetryPacketTests
{
    private static readonly byte[] OriginalDcid = Convert.FromHexString("8394c8f03e515708");

    [Fact]
    public void KnownEncoding_FromRfc9001_ParsesEveryField()
    {
        byte[] bytes = Convert.FromHexString(PacketHeaderTests.RetryPacketHex);
        Assert.True(RetryPacket.TryParse(bytes, out RetryPacket retry));
        Assert.Equal(QuicVersion.Version1, retry.Version);
        Assert.True(retry.DestinationConnectionId.IsEmpty);
        Assert.Equal(Convert.FromHexString("f067a5502a4262b5"), retry.SourceConnectionId.ToArray());
        Assert.Equal("token"u8.ToArray(), retry.Token.ToArray());
        Assert.Equal(Convert.FromHexString("04a265ba2eff4d829058fb3f0f2496ba"), retry.IntegrityTag.ToArray());
        Assert.Equal(bytes.Length - 16, retry.WithoutTag.Length);
    }

    [Fact]
    public void PseudoPacket_FromRfc9001_VerifiesWithTheRetryIntegrityKey()
    {
        // RFC 9001 §5.8: the tag is AES-128-GCM with a fixed key and nonce over an empty plaintext, the
        // pseudo-packet as associated data. Recomputing it proves the pseudo-packet layout is right.
        byte[] bytes = Convert.FromHexString(PacketHeaderTests.RetryPacketHex);
        Assert.True(RetryPacket.TryParse(bytes, out RetryPacket retry));
        byte[] pseudo = new byte[RetryPacket.GetPseudoPacketLength(OriginalDcid.Length, retry.WithoutTag.Length)];
        Assert.Equal(pseudo.Length, RetryPacket.WritePseudoPacket(pseudo, OriginalDcid, retry.WithoutTag));
        Assert.Equal(retry.IntegrityTag.ToArray(), ComputeTag(pseudo));
    }

    [Fact]
    public void TruncatedPrefixes_FailUntilATokenAndATagFit()
    {
        // A Retry runs to the end of the datagram, so a shorter datagram is a Retry with a shorter token
        // (whose integrity tag then fails to verify); below header + 1 token byte + tag nothing parses.
        byte[] bytes = Convert.FromHexString(PacketHeaderTests.RetryPacketHex);
        const int HeaderLength = 1 + 4 + 1 + 0 + 1 + 8;
        for (int length = 0; length < bytes.Length; length++)
        {
            bool parsed = RetryPacket.TryParse(bytes.AsSpan(0, length), out RetryPacket retry);
            Assert.Equal(length >= HeaderLength + 1 + RetryPacket.IntegrityTagLength, parsed);
            if (parsed)
            {
                Assert.Equal(length - HeaderLength - RetryPacket.IntegrityTagLength, retry.Token.Length);
            }
        }
    }

    [Fact]
    public void WriteWithTag_ReproducesTheRfc9001Packet()
    {
        byte[] buffer = new byte[RetryPacket.GetLength(0, 8, 5)];
        var writer = new WireWriter(buffer);
        int withoutTag = RetryPacket.WriteWithoutTag(ref writer, 0x0f, QuicVersion.Version1, default, Convert.FromHexString("f067a5502a4262b5"), "token"u8);
        Assert.Equal(RetryPacket.GetLengthWithoutTag(0, 8, 5), withoutTag);

        byte[] pseudo = new byte[RetryPacket.GetPseudoPacketLength(OriginalDcid.Length, withoutTag)];
        RetryPacket.WritePseudoPacket(pseudo, OriginalDcid, buffer.AsSpan(0, withoutTag));
        writer.WriteBytes(ComputeTag(pseudo));
        Assert.Equal(PacketHeaderTests.RetryPacketHex, Convert.ToHexStringLower(buffer));
    }

    [Fact]
    public void EmptyToken_IsDiscarded()
    {
        byte[] bytes = Convert.FromHexString("f0000000010000" + "00112233445566778899aabbccddeeff");
        Assert.True(PacketHeader.TryParse(bytes, 0, out _));
        Assert.False(RetryPacket.TryParse(bytes, out _));
        Assert.Throws<ArgumentException>(() =>
        {
            var w = new WireWriter(new byte[64]);
            RetryPacket.WriteWithoutTag(ref w, 0, 1, default, default, default);
        });
    }

    private static byte[] ComputeTag(byte[] pseudoPacket)
    {
        using var aes = new AesGcm(Convert.FromHexString("be0c690b9f66575a1d766b54e368c84e"), 16);
        byte[] tag = new byte[16];
        aes.Encrypt(Convert.FromHexString("461599d35d632bf2239825bb"), Array.Empty<byte>(), Array.Empty<byte>(), tag, pseudoPacket);
        return tag;
    }
}
