using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tests.Crypto;

/// <summary>Unprotected test packets and secrets built from seeded random bytes.</summary>
internal static class TestPackets
{
    public static byte[] Secret(CipherSuite suite, int seed)
    {
        var secret = new byte[suite.HashLength()];
        new Random(seed).NextBytes(secret);
        return secret;
    }

    /// <summary>
    /// A packet with an 8-byte DCID and room for the tag. Long header: an Initial-like layout
    /// (version, DCID, SCID, token length 0, 2-byte Length); short header: first byte, DCID.
    /// </summary>
    public static byte[] Build(bool longHeader, int pnLength, ulong pn, int payloadLength, int seed, out int pnOffset)
    {
        var random = new Random(seed);
        pnOffset = longHeader ? 1 + 4 + 1 + 8 + 1 + 8 + 1 + 2 : 1 + 8;
        var packet = new byte[pnOffset + pnLength + payloadLength + 16];
        random.NextBytes(packet.AsSpan(0, pnOffset + pnLength + payloadLength));
        if (longHeader)
        {
            packet[0] = (byte)(0xc0 | (pnLength - 1));
            packet[1] = 0;
            packet[2] = 0;
            packet[3] = 0;
            packet[4] = 1;
            packet[5] = 8;
            packet[14] = 8;
            packet[23] = 0;
            int length = pnLength + payloadLength + 16;
            packet[24] = (byte)(0x40 | (length >> 8));
            packet[25] = (byte)length;
        }
        else
        {
            packet[0] = (byte)(0x40 | (packet[0] & 0x20) | (pnLength - 1));
        }

        for (int i = 0; i < pnLength; i++)
        {
            packet[pnOffset + i] = (byte)(pn >> (8 * (pnLength - 1 - i)));
        }

        return packet;
    }
}
