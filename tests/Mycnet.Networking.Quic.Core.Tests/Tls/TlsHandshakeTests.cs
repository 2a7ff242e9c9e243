using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsHandshakeTests
{
    [Theory]
    [InlineData(CipherSuite.Aes128GcmSha256)]
    [InlineData(CipherSuite.Aes256GcmSha384)]
    [InlineData(CipherSuite.ChaCha20Poly1305Sha256)]
    public void Handshake_CompletesWithEachCipherSuite(CipherSuite suite)
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(suites: [suite]), Server()).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(suite, pair.Client.NegotiatedCipherSuite);
        Assert.Equal(suite, pair.Server.NegotiatedCipherSuite);
        AssertSecretsMatch(pair, suite.HashLength());
    }

    [Fact]
    public void Handshake_ServerPicksTheSuiteItPrefers()
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(suites: [CipherSuite.Aes128GcmSha256, CipherSuite.ChaCha20Poly1305Sha256]),
            Server(suites: [CipherSuite.ChaCha20Poly1305Sha256, CipherSuite.Aes128GcmSha256])).Run();

        Assert.Equal(CipherSuite.ChaCha20Poly1305Sha256, pair.Client.NegotiatedCipherSuite);
    }

    [Theory]
    [InlineData(0x0017)] // secp256r1
    [InlineData(0x0018)] // secp384r1
    public void Handshake_CompletesWithEachKeyExchangeGroup(int code)
    {
        var group = (TlsNamedGroup)code;
        TlsHandshakePair pair = new TlsHandshakePair(Client(groups: [group], keyShareGroups: [group]), Server(groups: [group])).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.False(pair.Client.ReceivedHelloRetryRequest);
        ServerHelloMessage serverHello = ServerHelloMessage.Parse(pair.Delivered[1].Data.AsSpan(4));
        Assert.Equal((ushort)group, serverHello.KeyShare!.Value.Group);
        Assert.Equal(TlsKeyShare.PublicKeyLength(group), serverHello.KeyShare.Value.KeyExchange.Length);
        AssertSecretsMatch(pair, 32);
    }

    [Fact]
    public void Handshake_SecretsCarryKeyLogLabelsAndTheClientRandom()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        string[] expected =
        [
            TlsKeyLogLabels.ClientHandshakeTrafficSecret, TlsKeyLogLabels.ServerHandshakeTrafficSecret,
            TlsKeyLogLabels.ClientTrafficSecret0, TlsKeyLogLabels.ServerTrafficSecret0,
        ];
        foreach (List<TlsOutput> outputs in new[] { pair.ClientOutputs, pair.ServerOutputs })
        {
            string[] labels = outputs.Where(o => o.Kind is TlsOutputKind.ReadSecret or TlsOutputKind.WriteSecret)
                .Select(o => o.KeyLogLabel!).Order(StringComparer.Ordinal).ToArray();
            Assert.Equal(expected.Order(StringComparer.Ordinal), labels);
        }

        // The label names the secret's owner: the client writes with CLIENT_* and the server reads with it.
        Assert.All(pair.ClientOutputs.Where(o => o.Kind == TlsOutputKind.WriteSecret), o => Assert.StartsWith("CLIENT_", o.KeyLogLabel, StringComparison.Ordinal));
        Assert.All(pair.ServerOutputs.Where(o => o.Kind == TlsOutputKind.ReadSecret), o => Assert.StartsWith("CLIENT_", o.KeyLogLabel, StringComparison.Ordinal));
        Assert.Equal(32, pair.Client.ClientRandom.Length);
        Assert.Equal(pair.Client.ClientRandom.ToArray(), pair.Server.ClientRandom.ToArray());
        Assert.Equal(pair.Client.ClientRandom.ToArray(), ClientHelloMessage.Parse(pair.Delivered[0].Data.AsSpan(4)).Random);

        TlsOutput secret = pair.ClientOutputs.First(o => o.Kind == TlsOutputKind.WriteSecret);
        string line = TlsKeyLogLabels.FormatLine(secret.KeyLogLabel!, pair.Client.ClientRandom.Span, secret.Secret.Span);
        Assert.Equal(
            $"CLIENT_HANDSHAKE_TRAFFIC_SECRET {Convert.ToHexStringLower(pair.Client.ClientRandom.Span)} {Convert.ToHexStringLower(secret.Secret.Span)}",
            line);
        Assert.Equal(31 + 1 + 64 + 1 + 64, line.Length);
    }

    [Fact]
    public void Handshake_ClientOutputsComeInTheDocumentedOrder()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        Assert.Equal(
            [
                "CryptoData(Initial)",
                "ReadSecret(Handshake,SERVER_HANDSHAKE_TRAFFIC_SECRET)",
                "WriteSecret(Handshake,CLIENT_HANDSHAKE_TRAFFIC_SECRET)",
                "CryptoData(Handshake)",
                "ReadSecret(OneRtt,SERVER_TRAFFIC_SECRET_0)",
                "WriteSecret(OneRtt,CLIENT_TRAFFIC_SECRET_0)",
                "HandshakeComplete",
            ],
            pair.ClientOutputs.Select(Describe));
    }

    [Fact]
    public void Handshake_ServerOutputsComeInTheDocumentedOrder()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        Assert.Equal(
            [
                "CryptoData(Initial)",
                "ReadSecret(Handshake,CLIENT_HANDSHAKE_TRAFFIC_SECRET)",
                "WriteSecret(Handshake,SERVER_HANDSHAKE_TRAFFIC_SECRET)",
                "CryptoData(Handshake)",
                "WriteSecret(OneRtt,SERVER_TRAFFIC_SECRET_0)",
                "ReadSecret(OneRtt,CLIENT_TRAFFIC_SECRET_0)",
                "HandshakeComplete",
            ],
            pair.ServerOutputs.Select(Describe));
    }

    [Fact]
    public void Handshake_ServerFlightHoldsTheMessagesInRfcOrder()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        TlsFlight flight = pair.Delivered.Single(f => !f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal(
            [TlsHandshakeType.EncryptedExtensions, TlsHandshakeType.Certificate, TlsHandshakeType.CertificateVerify, TlsHandshakeType.Finished],
            SplitMessages(flight.Data).Select(m => (TlsHandshakeType)m[0]));
        TlsFlight clientFlight = pair.Delivered.Single(f => f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal([TlsHandshakeType.Finished], SplitMessages(clientFlight.Data).Select(m => (TlsHandshakeType)m[0]));
    }

    [Fact]
    public void Handshake_DeliversTransportParametersAlpnAndServerNameBothWays()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        Assert.Equal(ServerTransportParameters, pair.Client.PeerTransportParameters.ToArray());
        Assert.Equal(ClientTransportParameters, pair.Server.PeerTransportParameters.ToArray());
        Assert.Equal("h3", pair.Client.NegotiatedApplicationProtocol);
        Assert.Equal("h3", pair.Server.NegotiatedApplicationProtocol);
        Assert.Equal("server.test", pair.Server.ServerName);
        Assert.Equal("server.test", pair.Client.ServerName);
        Assert.Equal(TestCertificates.EcdsaP256Server.Thumbprint, pair.Client.PeerCertificate!.Thumbprint);
        Assert.Null(pair.Server.PeerCertificate);
    }

    [Fact]
    public void Handshake_EmptyTransportParametersAreDeliveredAsEmpty()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(transportParameters: []), Server(transportParameters: [])).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(0, pair.Client.PeerTransportParameters.Length);
        Assert.Equal(0, pair.Server.PeerTransportParameters.Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Handshake_CompletesWhenCryptoDataArrivesInSmallPieces(int chunkSize)
    {
        var pair = new TlsHandshakePair(Client(), Server()) { ChunkSize = chunkSize };
        pair.Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        AssertSecretsMatch(pair, 32);
    }

    [Fact]
    public void Handshake_CompletesWhenAllServerMessagesArriveInOneCall()
    {
        // The connection may hand over several messages at once; here a whole level's flight per call is already the case,
        // so deliver the ServerHello and the whole handshake flight back to back before the client is polled.
        var pair = new TlsHandshakePair(Client(), Server());
        TlsFlight serverHello = pair.RunUntil(f => !f.FromClient);
        TlsFlight handshake = pair.RunUntil(f => !f.FromClient && f.Level == EncryptionLevel.Handshake && f != serverHello);
        Assert.Equal(EncryptionLevel.Initial, serverHello.Level);
        pair.Client.HandleCryptoData(EncryptionLevel.Initial, serverHello.Data);
        pair.Client.HandleCryptoData(EncryptionLevel.Handshake, handshake.Data);
        Assert.True(pair.Client.IsHandshakeComplete);
    }

    [Fact]
    public void Start_CalledTwice_Throws()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();
        Assert.Throws<InvalidOperationException>(client.Start);
    }

    [Fact]
    public void Handshake_ClientAcceptsNewSessionTicketAtOneRtt()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();
        byte[] ticket = new NewSessionTicketMessage { LifetimeSeconds = 3600, AgeAdd = 7, Nonce = [1], Ticket = [1, 2, 3], MaxEarlyDataSize = uint.MaxValue }.Encode();

        pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, ticket);
        pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, ticket);

        Assert.Equal(2, pair.Client.SessionTicketsReceived);
        Assert.False(pair.Client.TryPollOutput(out _));
    }

    [Fact]
    public void Handshake_NewSessionTicketWithQuicIncompatibleEarlyDataLimit_IsIllegalParameter()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();
        byte[] ticket = new NewSessionTicketMessage { LifetimeSeconds = 3600, AgeAdd = 7, Nonce = [], Ticket = [1], MaxEarlyDataSize = 16384 }.Encode();

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, ticket));
    }

    [Fact]
    public void Handshake_KeyUpdateAfterCompletion_IsUnexpectedMessage()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        TlsAlertException e = AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, Message(TlsHandshakeType.KeyUpdate, [0])));
        Assert.Contains("KeyUpdate", e.Message, StringComparison.Ordinal);
        Assert.Equal((TransportErrorCode)0x10A, e.ErrorCode);
    }

    [Fact]
    public void Handshake_PostHandshakeCertificateRequest_IsUnexpectedMessage()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();
        byte[] request = new CertificateRequestMessage { SignatureAlgorithms = [0x0403] }.Encode();

        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Client.HandleCryptoData(EncryptionLevel.OneRtt, request));
    }

    [Fact]
    public void Handshake_CryptoDataAfterCompletionAtTheServer_IsUnexpectedMessage()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server()).Run();

        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Server.HandleCryptoData(EncryptionLevel.OneRtt, Message(TlsHandshakeType.KeyUpdate, [0])));
        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Server.HandleCryptoData(EncryptionLevel.Handshake, [0x14]));
    }

    [Fact]
    public void CryptoData_AtALevelNotExpectedNow_IsUnexpectedMessage()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();
        AssertAlert(TlsAlert.UnexpectedMessage, () => client.HandleCryptoData(EncryptionLevel.Handshake, [0x08, 0, 0, 2, 0, 0]));

        var server = new TlsServerHandshake(Server());
        AssertAlert(TlsAlert.UnexpectedMessage, () => server.HandleCryptoData(EncryptionLevel.ZeroRtt, [1]));
    }

    [Fact]
    public void CryptoData_LeftAtInitialAfterTheServerHello_IsUnexpectedMessage()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        TlsFlight serverHello = pair.RunUntil(f => !f.FromClient);

        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Client.HandleCryptoData(EncryptionLevel.Initial, [.. serverHello.Data, 0x08, 0x00]));
    }

    [Fact]
    public void Handshake_UnexpectedMessageInState_IsUnexpectedMessage()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.RunUntil(f => !f.FromClient);
        var server = new TlsServerHandshake(Server());

        AssertAlert(TlsAlert.UnexpectedMessage, () => server.HandleCryptoData(EncryptionLevel.Initial, new FinishedMessage { VerifyData = new byte[32] }.Encode()));
        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Client.HandleCryptoData(EncryptionLevel.Initial, Message(TlsHandshakeType.EndOfEarlyData, [])));
    }

    [Fact]
    public void AfterFailure_OutputsAreDroppedAndEveryCallRepeatsTheAlert()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();
        TlsAlertException first = AssertAlert(TlsAlert.UnexpectedMessage, () => client.HandleCryptoData(EncryptionLevel.OneRtt, [1, 2, 3, 4]));

        Assert.False(client.TryPollOutput(out _));
        TlsAlertException again = AssertAlert(TlsAlert.UnexpectedMessage, () => client.HandleCryptoData(EncryptionLevel.Initial, [2]));
        Assert.Equal(first.Message, again.Message);
        Assert.Same(first, client.Failure);
    }

    [Fact]
    public void HandshakeMessage_LongerThanTheLimit_IsRefusedFromItsHeader()
    {
        var server = new TlsServerHandshake(Server());
        byte[] header = [(byte)TlsHandshakeType.ClientHello, 0x01, 0x00, 0x01];

        TlsAlertException e = AssertAlert(TlsAlert.DecodeError, () => server.HandleCryptoData(EncryptionLevel.Initial, header));
        Assert.Contains("65537", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsAlertException_ErrorCodeIsCryptoErrorPlusAlert()
    {
        Assert.Equal((TransportErrorCode)0x178, new TlsAlertException(TlsAlert.NoApplicationProtocol, "x").ErrorCode);
        Assert.Equal((TransportErrorCode)0x16D, new TlsAlertException(TlsAlert.MissingExtension, "x").ErrorCode);
    }

    internal static void AssertSecretsMatch(TlsHandshakePair pair, int secretLength)
    {
        foreach (EncryptionLevel level in new[] { EncryptionLevel.Handshake, EncryptionLevel.OneRtt })
        {
            byte[] clientWrite = pair.Secret(client: true, TlsOutputKind.WriteSecret, level)!;
            byte[] clientRead = pair.Secret(client: true, TlsOutputKind.ReadSecret, level)!;
            Assert.Equal(clientWrite, pair.Secret(client: false, TlsOutputKind.ReadSecret, level));
            Assert.Equal(clientRead, pair.Secret(client: false, TlsOutputKind.WriteSecret, level));
            Assert.Equal(secretLength, clientWrite.Length);
            Assert.NotEqual(clientWrite, clientRead);
        }

        Assert.NotEqual(pair.Secret(true, TlsOutputKind.WriteSecret, EncryptionLevel.Handshake), pair.Secret(true, TlsOutputKind.WriteSecret, EncryptionLevel.OneRtt));
    }

    private static string Describe(TlsOutput output) => output.Kind switch
    {
        TlsOutputKind.CryptoData => $"CryptoData({output.Level})",
        TlsOutputKind.HandshakeComplete => "HandshakeComplete",
        _ => $"{output.Kind}({output.Level},{output.KeyLogLabel})",
    };
}
