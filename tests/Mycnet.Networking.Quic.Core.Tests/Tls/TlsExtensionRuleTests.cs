using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

/// <summary>RFC 9846 §4.2 and §4.3 rules on hellos and extension blocks, and RFC 9001 §8 adjustments.</summary>
public sealed class TlsExtensionRuleTests
{
    [Fact]
    public void ClientHello_WithACompressionMethod_IsIllegalParameter()
    {
        byte[] hello = ClientHello(keyShares: []).Encode();
        int compression = 4 + 2 + 32 + 1 + 2 + 6;
        Assert.Equal(1, hello[compression]);
        hello[compression + 1] = 1; // deflate instead of null

        AssertServerRefuses(TlsAlert.IllegalParameter, hello);
    }

    [Fact]
    public void ClientHello_WithALegacySessionId_IsIllegalParameter()
    {
        TlsAlertException e = AssertServerRefuses(TlsAlert.IllegalParameter, ClientHello(sessionId: new byte[32]).Encode());
        Assert.Contains("middlebox compatibility mode", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientHello_WithADuplicateExtension_IsIllegalParameter()
    {
        TlsAlertException e = AssertServerRefuses(TlsAlert.IllegalParameter, ClientHello(other: [new TlsExtension((ushort)TlsExtensionType.ApplicationLayerProtocolNegotiation, [0, 3, 2, 0x68, 0x33])]).Encode());
        Assert.Contains("twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClientHello_WithPreSharedKeyNotLast_IsIllegalParameter()
    {
        byte[] hello = ClientHello(other: [new TlsExtension((ushort)TlsExtensionType.PreSharedKey, [0, 0, 0, 0]), new TlsExtension(0xFAFA, [])]).Encode();

        AssertServerRefuses(TlsAlert.IllegalParameter, hello);
    }

    [Fact]
    public void ClientHello_WithAnExtensionOnlyAllowedElsewhere_IsIllegalParameter()
    {
        AssertServerRefuses(TlsAlert.IllegalParameter, ClientHello(other: [new TlsExtension((ushort)TlsExtensionType.OidFilters, [0, 0])]).Encode());
    }

    [Fact]
    public void ClientHello_WithUnknownExtensionsAndEarlyData_IsAnsweredWithoutEarlyData()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (!f.FromClient || f.Index != 0)
            {
                return f.Data;
            }

            ClientHelloMessage hello = ClientHelloMessage.Parse(f.Data.AsSpan(4));
            return new ClientHelloMessage
            {
                Random = hello.Random,
                CipherSuites = hello.CipherSuites,
                ServerName = hello.ServerName,
                SupportedVersions = [0x7A7A, 0x0304, 0x0303],
                SupportedGroups = [0x3A3A, .. hello.SupportedGroups!],
                SignatureAlgorithms = hello.SignatureAlgorithms,
                KeyShares = hello.KeyShares,
                ApplicationProtocols = hello.ApplicationProtocols,
                TransportParameters = hello.TransportParameters,
                OtherExtensions = [new TlsExtension(0x2A2A, [1, 2, 3]), new TlsExtension((ushort)TlsExtensionType.EarlyData, []), new TlsExtension((ushort)TlsExtensionType.PskKeyExchangeModes, [1, 1])],
            }.Encode();
        };

        // The server ignores what it does not know and never accepts early data; the client then fails Finished
        // because its transcript holds the original ClientHello, which proves the server used the modified one.
        TlsAlertException e = AssertAlert(TlsAlert.DecryptError, () => pair.Run());
        Assert.Same(e, pair.Client.Failure);
        TlsFlight flight = pair.Delivered.Single(f => !f.FromClient && f.Level == EncryptionLevel.Handshake);
        EncryptedExtensionsMessage extensions = EncryptedExtensionsMessage.Parse(SplitMessages(flight.Data)[0].AsSpan(4));
        Assert.Empty(extensions.OtherExtensions);
    }

    [Fact]
    public void ClientHello_WithoutTls13_IsProtocolVersion()
    {
        ClientHelloMessage template = ClientHello();
        var tls12 = new ClientHelloMessage { Random = template.Random, CipherSuites = [0xC02F], SupportedVersions = [0x0303] };
        var legacy = new ClientHelloMessage { Random = template.Random, CipherSuites = [0xC02F] };

        AssertServerRefuses(TlsAlert.ProtocolVersion, tls12.Encode());
        AssertServerRefuses(TlsAlert.ProtocolVersion, legacy.Encode());
    }

    [Fact]
    public void ClientHello_WithoutASharedCipherSuite_IsHandshakeFailure()
    {
        AssertServerRefuses(TlsAlert.HandshakeFailure, ClientHello(suites: [0x1304, 0xC02F]).Encode());
    }

    [Theory]
    [InlineData(TlsExtensionType.SignatureAlgorithms)]
    [InlineData(TlsExtensionType.SupportedGroups)]
    [InlineData(TlsExtensionType.KeyShare)]
    public void ClientHello_WithoutAMandatoryExtension_IsMissingExtension(object type)
    {
        ClientHelloMessage t = ClientHello(keyShares: []);
        var hello = new ClientHelloMessage
        {
            Random = t.Random,
            CipherSuites = t.CipherSuites,
            SupportedVersions = t.SupportedVersions,
            SupportedGroups = (TlsExtensionType)type == TlsExtensionType.SupportedGroups ? null : t.SupportedGroups,
            SignatureAlgorithms = (TlsExtensionType)type == TlsExtensionType.SignatureAlgorithms ? null : t.SignatureAlgorithms,
            KeyShares = (TlsExtensionType)type == TlsExtensionType.KeyShare ? null : t.KeyShares,
            ApplicationProtocols = t.ApplicationProtocols,
            TransportParameters = t.TransportParameters,
        };

        AssertServerRefuses(TlsAlert.MissingExtension, hello.Encode());
    }

    [Fact]
    public void ClientHello_ServerNameRules()
    {
        static byte[] WithServerName(byte[] data) => ClientHello(other: [new TlsExtension((ushort)TlsExtensionType.ServerName, data)]) is var h
            ? new ClientHelloMessage
            {
                Random = h.Random, CipherSuites = h.CipherSuites, SupportedVersions = h.SupportedVersions, SupportedGroups = h.SupportedGroups,
                SignatureAlgorithms = h.SignatureAlgorithms, KeyShares = h.KeyShares, ApplicationProtocols = h.ApplicationProtocols,
                TransportParameters = h.TransportParameters, OtherExtensions = h.OtherExtensions,
            }.Encode()
            : [];

        byte[] twoNames = [0, 10, 0, 0, 2, 0x61, 0x62, 0, 0, 2, 0x63, 0x64];
        byte[] trailingDot = [0, 6, 0, 0, 3, 0x61, 0x62, 0x2E];
        byte[] control = [0, 5, 0, 0, 2, 0x61, 0x0A];
        byte[] truncated = [0, 9, 0, 0, 2, 0x61];
        AssertServerRefuses(TlsAlert.IllegalParameter, WithServerName(twoNames));
        AssertServerRefuses(TlsAlert.IllegalParameter, WithServerName(trailingDot));
        AssertServerRefuses(TlsAlert.IllegalParameter, WithServerName(control));
        AssertServerRefuses(TlsAlert.DecodeError, WithServerName(truncated));
        byte[] tooLong = [0x01, 0x03, 0, 0x01, 0x00, .. Enumerable.Repeat((byte)'a', 256)];
        AssertServerRefuses(TlsAlert.IllegalParameter, WithServerName(tooLong));
    }

    [Fact]
    public void ClientHello_ExtensionWithTrailingBytes_IsDecodeError()
    {
        byte[] supportedVersions = [2, 3, 4, 0xFF];
        ClientHelloMessage t = ClientHello();
        var hello = new ClientHelloMessage
        {
            Random = t.Random, CipherSuites = t.CipherSuites, SupportedGroups = t.SupportedGroups, SignatureAlgorithms = t.SignatureAlgorithms,
            KeyShares = t.KeyShares, ApplicationProtocols = t.ApplicationProtocols, TransportParameters = t.TransportParameters,
            OtherExtensions = [new TlsExtension((ushort)TlsExtensionType.SupportedVersions, supportedVersions)],
        };

        AssertServerRefuses(TlsAlert.DecodeError, hello.Encode());
    }

    [Fact]
    public void ServerHello_WithAnUnrequestedExtension_IsUnsupportedExtension()
    {
        TlsAlertException e = AssertClientRefusesServerHello(TlsAlert.UnsupportedExtension, h => h.OtherExtensions = [new TlsExtension(0xFE00, [])]);
        Assert.Contains("65024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerHello_WithAPreSharedKeyNotOffered_IsUnsupportedExtension()
    {
        AssertClientRefusesServerHello(TlsAlert.UnsupportedExtension, h => h.OtherExtensions = [new TlsExtension((ushort)TlsExtensionType.PreSharedKey, [0, 0])]);
    }

    [Fact]
    public void ServerHello_Tls12_IsProtocolVersion()
    {
        AssertClientRefusesServerHello(TlsAlert.ProtocolVersion, h => h.SelectedVersion = null);
        AssertClientRefusesServerHello(TlsAlert.ProtocolVersion, h => h.LegacyVersion = 0x0304);
        AssertClientRefusesServerHello(TlsAlert.IllegalParameter, h => h.SelectedVersion = 0x0305);
    }

    [Fact]
    public void ServerHello_WithAMismatchedSessionIdEcho_IsIllegalParameter()
    {
        AssertClientRefusesServerHello(TlsAlert.IllegalParameter, h => h.LegacySessionIdEcho = [1]);
    }

    [Fact]
    public void ServerHello_WithASuiteNotOffered_IsIllegalParameter()
    {
        AssertClientRefusesServerHello(TlsAlert.IllegalParameter, h => h.CipherSuite = 0x1304);
    }

    [Fact]
    public void ServerHello_WithAShareForAGroupNotShared_IsIllegalParameter()
    {
        AssertClientRefusesServerHello(TlsAlert.IllegalParameter, h => h.KeyShare = new KeyShareEntry(0x0018, new byte[97]));
        AssertClientRefusesServerHello(TlsAlert.MissingExtension, h => h.KeyShare = null);
    }

    [Fact]
    public void ServerHello_WithACompressionMethod_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();
        byte[] hello = new ServerHelloMessage { Random = new byte[32], CipherSuite = 0x1301, SelectedVersion = 0x0304 }.Encode();
        hello[4 + 2 + 32 + 1 + 2] = 1;

        AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, hello));
    }

    [Fact]
    public void EncryptedExtensions_WithUnrequestedExtensions_IsUnsupportedExtension()
    {
        foreach (ushort type in new ushort[] { (ushort)TlsExtensionType.EarlyData, 0xFE01, (ushort)TlsExtensionType.RecordSizeLimit })
        {
            var pair = new TlsHandshakePair(Client(), Server());
            pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
                ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage
                {
                    ApplicationProtocol = "h3"u8.ToArray(),
                    TransportParameters = ServerTransportParameters,
                    OtherExtensions = [new TlsExtension(type, [])],
                }.Encode())
                : f.Data;

            AssertAlert(TlsAlert.UnsupportedExtension, () => pair.Run());
        }
    }

    [Fact]
    public void EncryptedExtensions_WithServerHelloOnlyExtensions_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage
            {
                ApplicationProtocol = "h3"u8.ToArray(),
                TransportParameters = ServerTransportParameters,
                OtherExtensions = [new TlsExtension((ushort)TlsExtensionType.KeyShare, [0, 0x17, 0, 1, 4])],
            }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }

    [Fact]
    public void EncryptedExtensions_AcknowledgingAServerNameNotSent_IsUnsupportedExtension()
    {
        var pair = new TlsHandshakePair(Client(serverName: "127.0.0.1"), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.EncryptedExtensions, new EncryptedExtensionsMessage
            {
                ApplicationProtocol = "h3"u8.ToArray(),
                TransportParameters = ServerTransportParameters,
                AcknowledgesServerName = true,
            }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.UnsupportedExtension, () => pair.Run());
    }

    [Fact]
    public void CertificateRequest_WithAContext_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server(clientCertificateMode: TlsClientCertificateMode.Optional));
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.CertificateRequest, new CertificateRequestMessage { Context = [1], SignatureAlgorithms = [0x0403] }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }

    [Fact]
    public void Certificate_WithAContext_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Handshake)
            {
                return f.Data;
            }

            CertificateMessage original = CertificateMessage.Parse(SplitMessages(f.Data)[1].AsSpan(4));
            return ReplaceMessage(f.Data, TlsHandshakeType.Certificate, new CertificateMessage { Context = [7], Entries = original.Entries }.Encode());
        };

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }

    private static TlsAlertException AssertServerRefuses(TlsAlert alert, byte[] clientHello)
    {
        var server = new TlsServerHandshake(Server());
        return AssertAlert(alert, () => server.HandleCryptoData(EncryptionLevel.Initial, clientHello));
    }

    private static TlsAlertException AssertClientRefusesServerHello(TlsAlert alert, Action<MutableServerHello> change)
    {
        var pair = new TlsHandshakePair(Client(), Server());
        TlsFlight flight = pair.RunUntil(f => !f.FromClient);
        ServerHelloMessage original = ServerHelloMessage.Parse(flight.Data.AsSpan(4));
        var mutable = new MutableServerHello
        {
            LegacyVersion = original.LegacyVersion,
            LegacySessionIdEcho = original.LegacySessionIdEcho,
            CipherSuite = original.CipherSuite,
            SelectedVersion = original.SelectedVersion,
            KeyShare = original.KeyShare,
        };
        change(mutable);
        byte[] changed = new ServerHelloMessage
        {
            LegacyVersion = mutable.LegacyVersion,
            Random = original.Random,
            LegacySessionIdEcho = mutable.LegacySessionIdEcho,
            CipherSuite = mutable.CipherSuite,
            SelectedVersion = mutable.SelectedVersion,
            KeyShare = mutable.KeyShare,
            OtherExtensions = mutable.OtherExtensions,
        }.Encode();

        return AssertAlert(alert, () => pair.Client.HandleCryptoData(EncryptionLevel.Initial, changed));
    }

    private sealed class MutableServerHello
    {
        public ushort LegacyVersion { get; set; }

        public byte[] LegacySessionIdEcho { get; set; } = [];

        public ushort CipherSuite { get; set; }

        public ushort? SelectedVersion { get; set; }

        public KeyShareEntry? KeyShare { get; set; }

        public IReadOnlyList<TlsExtension> OtherExtensions { get; set; } = [];
    }
}
