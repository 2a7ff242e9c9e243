using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsTransportParameterTests
{
    [Fact]
    public void TransportParameters_AreDeliveredBothWaysUnchanged()
    {
        byte[] large = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        TlsHandshakePair pair = new TlsHandshakePair(Client(transportParameters: large), Server()).Run();

        Assert.Equal(large, pair.Server.PeerTransportParameters.ToArray());
        Assert.Equal(ServerTransportParameters, pair.Client.PeerTransportParameters.ToArray());
    }

    [Fact]
    public void TransportParameters_KnownToTheServerAsSoonAsItSendsItsFlight()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.RunUntil(f => !f.FromClient);

        Assert.Equal(ClientTransportParameters, pair.Server.PeerTransportParameters.ToArray());
        Assert.False(pair.Server.IsHandshakeComplete);
        Assert.Equal(0, pair.Client.PeerTransportParameters.Length);
    }

    [Fact]
    public void TransportParameters_MissingFromTheClientHello_IsMissingExtension()
    {
        var server = new TlsServerHandshake(Server());

        TlsAlertException e = AssertAlert(TlsAlert.MissingExtension, () => server.HandleCryptoData(EncryptionLevel.Initial, ClientHello(transportParameters: false).Encode()));
        Assert.Equal((TransportErrorCode)0x16D, e.ErrorCode);
        Assert.Contains("quic_transport_parameters", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TransportParameters_MissingFromEncryptedExtensions_IsMissingExtension()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage { ApplicationProtocol = "h3"u8.ToArray() }.Encode())
            : f.Data;

        TlsAlertException e = AssertAlert(TlsAlert.MissingExtension, () => pair.Run());
        Assert.Same(e, pair.Client.Failure);
    }

    [Fact]
    public void TransportParameters_InTheServerHello_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Initial)
            {
                return f.Data;
            }

            ServerHelloMessage hello = ServerHelloMessage.Parse(f.Data.AsSpan(4));
            return new ServerHelloMessage
            {
                Random = hello.Random,
                CipherSuite = hello.CipherSuite,
                SelectedVersion = hello.SelectedVersion,
                KeyShare = hello.KeyShare,
                OtherExtensions = [new TlsExtension((ushort)TlsExtensionType.QuicTransportParameters, [1, 2])],
            }.Encode();
        };

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }
}
