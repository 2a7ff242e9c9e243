using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsAlpnTests
{
    [Fact]
    public void Alpn_ServerPreferenceWins()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(alpn: ["mycnet/1", "h3"]), Server(alpn: ["h3", "mycnet/1"])).Run();

        Assert.Equal("h3", pair.Client.NegotiatedApplicationProtocol);
        Assert.Equal("h3", pair.Server.NegotiatedApplicationProtocol);
    }

    [Fact]
    public void Alpn_NoOverlap_IsNoApplicationProtocol()
    {
        var pair = new TlsHandshakePair(Client(alpn: ["mycnet/1"]), Server(alpn: ["h3"]));

        TlsAlertException e = AssertAlert(TlsAlert.NoApplicationProtocol, () => pair.Run());
        Assert.Same(e, pair.Server.Failure);
        Assert.Equal((TransportErrorCode)0x178, e.ErrorCode);
        Assert.Equal("The client offers application protocols 'mycnet/1'; this server speaks h3.", e.Message);
    }

    [Fact]
    public void Alpn_ClientHelloWithoutAlpn_IsNoApplicationProtocol()
    {
        var server = new TlsServerHandshake(Server());

        AssertAlert(TlsAlert.NoApplicationProtocol, () => server.HandleCryptoData(EncryptionLevel.Initial, ClientHello(alpn: false).Encode()));
    }

    [Fact]
    public void Alpn_ServerSelectingAProtocolTheClientDidNotOffer_IsNoApplicationProtocol()
    {
        var pair = new TlsHandshakePair(Client(alpn: ["h3"]), Server(alpn: ["h3"]));
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage
            {
                ApplicationProtocol = "h2"u8.ToArray(),
                TransportParameters = ServerTransportParameters,
            }.Encode())
            : f.Data;

        TlsAlertException e = AssertAlert(TlsAlert.NoApplicationProtocol, () => pair.Run());
        Assert.Same(e, pair.Client.Failure);
        Assert.Contains("'h2'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alpn_EncryptedExtensionsWithoutAlpn_IsNoApplicationProtocol()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage { TransportParameters = ServerTransportParameters }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.NoApplicationProtocol, () => pair.Run());
    }

    [Fact]
    public void Alpn_ServerSelectingTwoProtocols_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Handshake)
            {
                return f.Data;
            }

            var builder = new TlsMessageBuilder();
            TlsMessageBuilder.Mark message = builder.BeginMessage(TlsHandshakeType.EncryptedExtensions);
            TlsMessageBuilder.Mark extensions = builder.BeginVector(2);
            TlsExtensionBlock.WriteProtocolNames(builder, ["h3"u8.ToArray(), "h2"u8.ToArray()]);
            builder.WriteExtension(TlsExtensionType.QuicTransportParameters, ServerTransportParameters);
            builder.EndVector(extensions);
            builder.EndVector(message);
            return ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, builder.ToArray());
        };

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }
}
