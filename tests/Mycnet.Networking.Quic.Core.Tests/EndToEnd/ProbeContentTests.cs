namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>What a PTO probe carries (RFC 9002 §6.2.4).</summary>
public sealed class ProbeContentTests
{
    [Fact]
    public void LossPtoProbe_WithNoNewData_CarriesTheLostStreamData_BeforeAnyLossIsDeclared()
    {
        // The only packet carrying a request is lost and nothing follows it, so only the PTO can
        // recover it. A probe of bare PINGs would need the peer's ACK and loss detection (another
        // round trip) before the data is sent again; a probe carrying the oldest outstanding stream
        // data delivers it while the original packet is still outstanding (nothing declared lost).
        var pair = new SimPair(seed: 44);
        Connection client = pair.Connect();
        pair.RunUntil(() => pair.ServerConnection?.IsHandshakeConfirmed == true && client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "handshake");
        pair.Network.RunUntil(() => false, TimeSpan.FromMilliseconds(500)); // ACKs settle; nothing in flight.
        Connection server = pair.ServerConnection!;
        long lostBefore = client.GetStats().PacketsLost;

        pair.Links.AToB.IsUp = false;
        Assert.True(client.TryOpenStream(bidirectional: false, out ulong id));
        client.WriteStream(id, new byte[100]);
        pair.Network.Wake(pair.ClientNode);
        pair.Network.RunUntil(() => false, TimeSpan.FromMilliseconds(5)); // The packet leaves, into the void.
        pair.Links.AToB.IsUp = true;

        pair.RunUntil(() => server.IsStreamReadable(id), TimeSpan.FromSeconds(5), "the request reaching the server");

        Assert.Equal(lostBefore, client.GetStats().PacketsLost);
        Assert.Equal(100, server.ReadStream(id, new byte[1000], pair.Now).BytesRead);
    }
}
