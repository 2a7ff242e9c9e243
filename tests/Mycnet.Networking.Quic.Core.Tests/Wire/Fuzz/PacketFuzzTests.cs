using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core.Tests.Wire;

/// <summary>
/// Feeds seeded random datagrams and mutations of valid packets to the header parser, the coalesced
/// packet reader, the Version Negotiation and Retry parsers and the stateless reset token extractor.
/// Nothing may throw; results must be deterministic and every span must lie inside the datagram.
/// </summary>
public sealed class PacketFuzzTests
{
    private const int Iterations = 20000;

    [Fact]
    public void RandomAndMutatedDatagrams_ParseCleanlyAndDeterministically()
    {
        var mutator = new Mutator(9000);
        byte[][] seeds = ValidDatagrams();
        for (int i = 0; i < Iterations; i++)
        {
            byte[] datagram = i % 3 == 0 ? mutator.RandomBytes(120) : mutator.Mutate(seeds[i % seeds.Length]);
            int dcidLength = i % 21;

            string first = Describe(datagram, dcidLength);
            Assert.Equal(first, Describe(datagram, dcidLength));
        }
    }

    /// <summary>Runs every parser over the datagram and summarises what they returned, checking bounds on the way.</summary>
    private static string Describe(byte[] datagram, int dcidLength)
    {
        var summary = new System.Text.StringBuilder();
        if (PacketHeader.TryParse(datagram, dcidLength, out PacketHeader header))
        {
            Assert.InRange(header.PacketLength, 1, datagram.Length);
            if (header.HasPacketNumber)
            {
                Assert.InRange(header.PacketNumberOffset, 1, header.PacketLength);
            }

            if (header.Type is PacketType.Initial or PacketType.Handshake or PacketType.ZeroRtt)
            {
                Assert.Equal((ulong)(header.PacketLength - header.PacketNumberOffset), header.Length);
                Assert.InRange(header.DestinationConnectionId.Length, 0, 20);
                Assert.InRange(header.SourceConnectionId.Length, 0, 20);
            }

            summary.Append(header.Type).Append(':').Append(header.PacketLength).Append(':').Append(header.PacketNumberOffset)
                .Append(':').Append(Convert.ToHexString(header.DestinationConnectionId)).Append(':').Append(header.Token.Length);
        }

        summary.Append('|');
        var reader = new CoalescedPacketReader(datagram, dcidLength);
        int packets = 0;
        while (reader.TryReadNext(out PacketHeader packet, out int offset))
        {
            Assert.InRange(offset + packet.PacketLength, 1, datagram.Length);
            summary.Append(offset).Append(',');
            Assert.True(++packets <= datagram.Length);
        }

        summary.Append(reader.RemainingLength).Append('/').Append(reader.SkippedPacketCount).Append('|');
        if (VersionNegotiationPacket.TryParse(datagram, out VersionNegotiationPacket vn))
        {
            int sum = 0;
            for (int v = 0; v < vn.VersionCount; v++)
            {
                sum ^= (int)vn.GetVersion(v);
            }

            summary.Append(vn.VersionCount).Append(',').Append(sum);
        }

        summary.Append('|');
        if (RetryPacket.TryParse(datagram, out RetryPacket retry))
        {
            Assert.Equal(datagram.Length, retry.WithoutTag.Length + RetryPacket.IntegrityTagLength);
            summary.Append(retry.Token.Length);
        }

        summary.Append('|').Append(StatelessReset.TryGetToken(datagram, out ReadOnlySpan<byte> token) ? token.Length : -1);
        return summary.ToString();
    }

    private static byte[][] ValidDatagrams()
    {
        byte[] buffer = new byte[400];
        var writer = new WireWriter(buffer);
        LongHeaderLayout initial = LongHeader.Write(ref writer, PacketType.Initial, QuicVersion.Version1, [1, 2, 3, 4, 5, 6, 7, 8], [9, 9], [0xaa, 0xbb], 0, 2);
        writer.WriteZeros(40);
        LongHeader.WriteLength(buffer, initial, writer.Position);
        LongHeaderLayout handshake = LongHeader.Write(ref writer, PacketType.Handshake, QuicVersion.Version1, [1, 2, 3, 4, 5, 6, 7, 8], [9, 9], default, 1, 1);
        writer.WriteZeros(30);
        LongHeader.WriteLength(buffer, handshake, writer.Position);
        ShortHeader.Write(ref writer, [1, 2, 3, 4, 5, 6, 7, 8], true, false, 7, 3);
        writer.WriteZeros(25);
        byte[] coalesced = writer.Written.ToArray();

        var vnWriter = new WireWriter(new byte[64]);
        VersionNegotiationPacket.Write(ref vnWriter, 3, [1, 2], [3, 4, 5], [QuicVersion.Version1, 0x0a0a0a0a]);

        return
        [
            coalesced,
            vnWriter.Written.ToArray(),
            Convert.FromHexString(PacketHeaderTests.RetryPacketHex),
            PacketHeaderTests.WithPayload(PacketHeaderTests.ClientInitialHeader, 1182 - 4),
            Convert.FromHexString("c5" + "1a2a3a4a" + "04" + "01020304" + "00" + "0102"),
        ];
    }
}
