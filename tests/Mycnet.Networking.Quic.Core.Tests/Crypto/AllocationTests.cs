using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>Steady-state packet protection allocates nothing (STYLE: hot paths are allocation-free).</summary>
public sealed class AllocationTests
{
    private const int PacketLength = 1200;
    private const int PnOffset = 9;
    private const int PnLength = 4;
    private const int HeaderLength = PnOffset + PnLength;
    private const int PayloadLength = PacketLength - HeaderLength - 16;

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void ProtectAndUnprotect_1200BytePacket_AllocatesNothing(CipherSuite suite)
    {
        byte[] secret = TestPackets.Secret(suite, 5);
        using var sender = PacketProtectionKeys.FromSecret(suite, secret);
        using var receiver = PacketProtectionKeys.FromSecret(suite, secret);
        var packet = new byte[PacketLength];
        ulong pn = 0;
        for (int i = 0; i < 200; i++)
        {
            Assert.True(RoundTrip(sender, receiver, packet, pn++));
        }

        bool allOpened = true;
        long allocated = AllocationMeter.SteadyStateBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                allOpened &= RoundTrip(sender, receiver, packet, pn++);
            }
        });
        Assert.True(allOpened);
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void OneRttProtectAndUnprotect_1200BytePacket_AllocatesNothing(CipherSuite suite)
    {
        byte[] clientSecret = TestPackets.Secret(suite, 6);
        byte[] serverSecret = TestPackets.Secret(suite, 7);
        using var client = new OneRttKeySet(suite, serverSecret, clientSecret);
        using var server = new OneRttKeySet(suite, clientSecret, serverSecret);
        var packet = new byte[PacketLength];
        Instant now = Instant.FromTimeSpan(TimeSpan.FromSeconds(1));
        TimeSpan pto = TimeSpan.FromMilliseconds(50);
        ulong pn = 0;
        for (int i = 0; i < 200; i++)
        {
            Assert.True(RoundTrip(client, server, packet, pn++, now, pto));
        }

        bool allOpened = true;
        long allocated = AllocationMeter.SteadyStateBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                allOpened &= RoundTrip(client, server, packet, pn++, now, pto);
            }
        });
        Assert.True(allOpened);
        Assert.Equal(0, allocated);
    }

    private static bool RoundTrip(PacketProtectionKeys sender, PacketProtectionKeys receiver, byte[] packet, ulong pn)
    {
        WriteHeader(packet, pn);
        sender.EncryptPayload(packet, HeaderLength, PayloadLength, pn);
        sender.ApplyHeaderProtection(packet, PnOffset, PnLength);
        return receiver.TryRemoveHeaderProtection(packet, PnOffset, out int pnLength, out uint truncated)
            && truncated == (uint)pn
            && receiver.TryDecryptPayload(packet, PnOffset + pnLength, PacketLength - PnOffset - pnLength, pn, out int plaintextLength)
            && plaintextLength == PayloadLength;
    }

    private static bool RoundTrip(OneRttKeySet sender, OneRttKeySet receiver, byte[] packet, ulong pn, Instant now, TimeSpan pto)
    {
        WriteHeader(packet, pn);
        sender.EncryptPayload(packet, HeaderLength, PayloadLength, pn);
        sender.ApplyHeaderProtection(packet, PnOffset, PnLength);
        return receiver.TryRemoveHeaderProtection(packet, PnOffset, out int pnLength, out uint truncated)
            && truncated == (uint)pn
            && receiver.TryDecryptPayload(packet, PnOffset + pnLength, PacketLength - PnOffset - pnLength, pn, now, pto, out int plaintextLength)
            && plaintextLength == PayloadLength;
    }

    private static void WriteHeader(byte[] packet, ulong pn)
    {
        packet[0] = 0x43;
        packet.AsSpan(1, 8).Fill(0x5a);
        for (int i = 0; i < PnLength; i++)
        {
            packet[PnOffset + i] = (byte)(pn >> (8 * (PnLength - 1 - i)));
        }

        packet.AsSpan(HeaderLength, PayloadLength).Fill((byte)pn);
    }
}
