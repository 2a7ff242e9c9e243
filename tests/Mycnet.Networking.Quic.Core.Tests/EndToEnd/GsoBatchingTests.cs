using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>TryPollTransmit's GSO batches (TransportSettings.MaxSegmentsPerTransmit), as a UDP_SEGMENT driver sends them.</summary>
public sealed class GsoBatchingTests
{
    [Fact]
    public void Transmit_WithSegmentsAllowed_BatchesEqualSizeDatagramsOfStreamData()
    {
        var pair = new SimPair(seed: 7);
        Connection client = pair.Connect(new TransportSettings { MaxSegmentsPerTransmit = 16 });
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeComplete == true, TimeSpan.FromSeconds(5), "handshake");

        Assert.True(client.TryOpenStream(bidirectional: false, out ulong stream));
        StreamWriteResult written = client.WriteStream(stream, new byte[200_000]);
        Assert.True(written.BytesWritten > 100_000);

        // The initial window (about ten datagrams) leaves in one batch of full segments.
        var buffer = new byte[64_000];
        Assert.True(client.TryPollTransmit(pair.Now, buffer, out Transmit transmit));
        Assert.True(transmit.DatagramCount >= 5, $"expected a batch, got {transmit.DatagramCount} datagram(s) of {transmit.Length} bytes");
        Assert.Equal(transmit.SegmentSize * (transmit.DatagramCount - 1), transmit.Length - LastSegmentLength(transmit));
    }

    [Fact]
    public void Transmit_WithOneSegmentAllowed_SendsSingleDatagrams()
    {
        var pair = new SimPair(seed: 8);
        Connection client = pair.Connect(new TransportSettings { MaxSegmentsPerTransmit = 1 });
        pair.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeComplete == true, TimeSpan.FromSeconds(5), "handshake");

        Assert.True(client.TryOpenStream(bidirectional: false, out ulong stream));
        client.WriteStream(stream, new byte[50_000]);
        var buffer = new byte[64_000];
        Assert.True(client.TryPollTransmit(pair.Now, buffer, out Transmit transmit));
        Assert.Equal(1, transmit.DatagramCount);
        Assert.Equal(transmit.Length, transmit.SegmentSize);
    }

    private static int LastSegmentLength(Transmit transmit)
    {
        int rest = transmit.Length % transmit.SegmentSize;
        return rest == 0 ? transmit.SegmentSize : rest;
    }
}
