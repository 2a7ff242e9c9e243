using System.Net;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Testing;
using Mycnet.Networking.Testing.Quic;

namespace Mycnet.Networking.Quic.Core.Tests.EndToEnd;

public sealed class StatelessResetAndVersionTests
{
    private static readonly IPEndPoint Local = SimPair.ClientAddress;
    private static readonly IPEndPoint Remote = SimPair.ServerAddress;

    [Fact]
    public void StatelessReset_ServerThatLostStateResetsTheClient()
    {
        byte[] key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var server = new QuicSimHost("server", QuicTestConfig.Server(121, resetKey: key), SimPair.ServerAddress);
        var pair = new SimPair(seed: 60, server: server);
        Connection client = pair.Connect();
        pair.Network.RunUntil(() => client.IsHandshakeConfirmed && pair.ServerConnection?.IsHandshakeConfirmed == true, TimeSpan.FromSeconds(5));
        Assert.True(client.IsHandshakeConfirmed, $"client {client.State} {client.CloseInfo} server {pair.ServerConnection?.State} {pair.ServerConnection?.CloseInfo} dropped {pair.Server.DroppedDatagrams}");

        pair.Server.Restart(); // the server process "crashes" and comes back without the connection
        client.Ping();
        pair.Network.Wake(pair.ClientNode);
        pair.Network.RunUntil(() => client.State is ConnectionState.Draining or ConnectionState.Terminated, TimeSpan.FromSeconds(5));
        Assert.True(client.State is ConnectionState.Draining or ConnectionState.Terminated, $"client {client.State} {client.CloseInfo}; server responses {pair.Server.StatelessResponses}, dropped {pair.Server.DroppedDatagrams}, client dropped {pair.Client.DroppedDatagrams}");
        Assert.Equal(CloseReason.StatelessReset, client.CloseInfo!.Reason);
        Assert.True(pair.Server.StatelessResponses >= 1);
    }

    [Fact]
    public void VersionNegotiation_ServerAnswersAnUnknownVersionWithItsVersions()
    {
        using var endpoint = new Endpoint(QuicTestConfig.Server(70));
        byte[] datagram = new byte[1200];
        var writer = new WireWriter(datagram);
        writer.WriteByte(0xC0);
        writer.WriteUInt32(0x0a0a0a0a);
        writer.WriteByte(8);
        writer.WriteBytes([1, 2, 3, 4, 5, 6, 7, 8]);
        writer.WriteByte(4);
        writer.WriteBytes([9, 9, 9, 9]);
        var response = new byte[1500];
        EndpointResult result = endpoint.HandleDatagram(Instant.Zero, Remote, Local, datagram, EcnCodepoint.NotEct, response);
        Assert.Equal(EndpointResultKind.Response, result.Kind);
        Assert.True(VersionNegotiationPacket.TryParse(response.AsSpan(0, result.Response.Length), out VersionNegotiationPacket vn));
        Assert.True(vn.Contains(QuicVersion.Version1));
        Assert.Equal([9, 9, 9, 9], vn.DestinationConnectionId.ToArray());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], vn.SourceConnectionId.ToArray());

        // A datagram too small to be a first Initial gets no answer (§6.1).
        EndpointResult small = endpoint.HandleDatagram(Instant.Zero, Remote, Local, datagram.AsSpan(0, 600), EcnCodepoint.NotEct, response);
        Assert.Equal(EndpointResultKind.Dropped, small.Kind);
    }

    [Fact]
    public void VersionNegotiation_ClientOfferedNoCommonVersion_FailsTheConnection()
    {
        (Connection client, byte[] vn) = ClientAndVersionNegotiation([0x0a0a0a0a, 0xff00001d]);
        client.HandleDatagram(Instant.Zero, Local, Remote, vn);
        Assert.Equal(ConnectionState.Terminated, client.State);
        Assert.Equal(CloseReason.VersionNegotiationFailed, client.CloseInfo!.Reason);
    }

    [Fact]
    public void VersionNegotiation_ListingOurVersionIsIgnored()
    {
        (Connection client, byte[] vn) = ClientAndVersionNegotiation([QuicVersion.Version1, 0x0a0a0a0a]);
        client.HandleDatagram(Instant.Zero, Local, Remote, vn);
        Assert.Equal(ConnectionState.Handshaking, client.State);
    }

    private static (Connection Client, byte[] VersionNegotiation) ClientAndVersionNegotiation(uint[] versions)
    {
        var client = Connection.CreateClient(new TransportSettings(), QuicTestConfig.ClientTls(), Local, Remote, Instant.Zero, new SeededRandomSource(5), new StatelessResetTokenGenerator(new byte[32]));
        var buffer = new byte[1500];
        Assert.True(client.TryPollTransmit(Instant.Zero, buffer, out Transmit transmit));
        Assert.True(PacketHeader.TryParse(buffer.AsSpan(0, transmit.Length), 8, out PacketHeader initial));
        var vn = new byte[200];
        var writer = new WireWriter(vn);
        int length = VersionNegotiationPacket.Write(ref writer, 0x15, initial.SourceConnectionId, initial.DestinationConnectionId, versions);
        return (client, vn[..length]);
    }
}
