using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

/// <summary>Commands the UDP driver relies on: refusing a connection, and asking whether a stream has something to read.</summary>
public sealed class DriverCommandTests
{
    [Fact]
    public void CloseWithTransportError_ReachesThePeer_AsThatTransportError()
    {
        var pair = new SimPair(seed: 21);
        Connection client = pair.Connect();
        pair.RunUntil(() => pair.ServerConnection?.IsHandshakeComplete == true && client.IsHandshakeComplete, TimeSpan.FromSeconds(5), "handshake");

        Connection server = pair.ServerConnection!;
        server.CloseWithTransportError(pair.Now, TransportErrorCode.ConnectionRefused, "not accepting");
        pair.Network.Wake(pair.ServerNode);
        pair.RunUntil(() => client.CloseInfo is not null, TimeSpan.FromSeconds(5), "the client learning of the close");

        Assert.Equal(CloseReason.PeerClosed, client.CloseInfo!.Reason);
        Assert.False(client.CloseInfo.IsApplicationError);
        Assert.Equal(TransportErrorCode.ConnectionRefused, client.CloseInfo.TransportError);
        Assert.Equal(CloseReason.LocallyClosed, server.CloseInfo!.Reason);
        var kinds = new List<ConnectionEventKind>();
        while (server.TryPollEvent(out ConnectionEvent e))
        {
            kinds.Add(e.Kind);
        }

        Assert.Contains(ConnectionEventKind.Closed, kinds); // The driver learns of its own close like of any other.
    }

    [Fact]
    public void IsStreamReadable_TracksData_TheEnd_AndUnknownStreams()
    {
        var pair = new SimPair(seed: 22);
        Connection client = pair.Connect();
        pair.RunUntil(() => pair.ServerConnection?.IsHandshakeComplete == true && client.IsHandshakeConfirmed, TimeSpan.FromSeconds(5), "handshake");
        Connection server = pair.ServerConnection!;

        Assert.True(client.TryOpenStream(bidirectional: false, out ulong id));
        Assert.False(server.IsStreamReadable(id)); // Not known to the server yet.
        client.WriteStream(id, new byte[100]);
        pair.Network.Wake(pair.ClientNode);
        pair.RunUntil(() => server.IsStreamReadable(id), TimeSpan.FromSeconds(1), "data arriving");

        var buffer = new byte[1000];
        Assert.Equal(100, server.ReadStream(id, buffer, pair.Now).BytesRead);
        Assert.False(server.IsStreamReadable(id)); // Drained, no FIN yet.

        client.FinishStream(id);
        pair.Network.Wake(pair.ClientNode);
        pair.RunUntil(() => server.IsStreamReadable(id), TimeSpan.FromSeconds(1), "the FIN arriving");
        Assert.Equal(StreamReadStatus.Finished, server.ReadStream(id, buffer, pair.Now).Status);
        Assert.False(server.IsStreamReadable(id)); // Read to the end and forgotten.
        Assert.False(client.IsStreamReadable(id)); // A stream the client only sends on.
    }
}
