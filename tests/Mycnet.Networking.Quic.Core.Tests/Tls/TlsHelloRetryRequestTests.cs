using System.Security.Cryptography;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsHelloRetryRequestTests
{
    private const ushort X25519 = 0x001D;
    private const ushort Secp256r1 = 0x0017;
    private const ushort Secp384r1 = 0x0018;

    [Fact]
    public void HelloRetryRequest_ServerAnswersAnX25519OnlyClientHello_ThenASecondClientHelloCompletes()
    {
        // A quic-go/ngtcp2-style first flight: an X25519 share only, P-256 and P-384 listed as supported.
        var server = new TlsServerHandshake(Server());
        ClientHelloMessage first = ClientHello(keyShares: [new KeyShareEntry(X25519, RandomNumberGenerator.GetBytes(32))], supportedGroups: [X25519, Secp256r1, Secp384r1]);
        byte[] firstBytes = first.Encode();
        server.HandleCryptoData(EncryptionLevel.Initial, firstBytes);

        TlsOutput retryOutput = Assert.Single(Drain(server));
        Assert.Equal(TlsOutputKind.CryptoData, retryOutput.Kind);
        Assert.Equal(EncryptionLevel.Initial, retryOutput.Level);
        byte[] retryBytes = retryOutput.Data.ToArray();
        ServerHelloMessage retry = ServerHelloMessage.Parse(retryBytes.AsSpan(4));
        Assert.True(retry.IsHelloRetryRequest);
        Assert.Equal(Secp256r1, retry.SelectedGroup);
        Assert.Equal((ushort)0x0304, retry.SelectedVersion);
        Assert.Equal((ushort)0x1301, retry.CipherSuite);
        Assert.NotNull(retry.Cookie);
        Assert.Equal(TlsServerState.WaitSecondClientHello, server.State);

        using TlsKeyShare share = TlsKeyShare.Generate(TlsNamedGroup.Secp256r1);
        byte[] secondBytes = first.WithRetry([new KeyShareEntry(Secp256r1, share.PublicKey)], retry.Cookie).Encode();
        server.HandleCryptoData(EncryptionLevel.Initial, secondBytes);
        List<TlsOutput> outputs = Drain(server);
        Assert.Equal(6, outputs.Count);
        byte[] serverHelloBytes = outputs[0].Data.ToArray();
        ServerHelloMessage serverHello = ServerHelloMessage.Parse(serverHelloBytes.AsSpan(4));
        Assert.False(serverHello.IsHelloRetryRequest);
        var suite = (CipherSuite)serverHello.CipherSuite;

        // An independent client-side transcript: message_hash(ClientHello1), HelloRetryRequest, ClientHello2, ServerHello (RFC 9846 §4.1).
        using var transcript = new TlsTranscript();
        transcript.Append(firstBytes);
        transcript.SelectHash(suite.Hash());
        transcript.ReplaceWithMessageHash();
        transcript.Append(retryBytes);
        transcript.Append(secondBytes);
        transcript.Append(serverHelloBytes);
        using var schedule = new TlsKeySchedule(suite);
        schedule.MixKeyExchange(share.DeriveSharedSecret(serverHello.KeyShare!.Value.KeyExchange));
        TlsTrafficSecrets handshake = schedule.DeriveHandshakeTrafficSecrets(transcript.GetCurrentHash());
        Assert.Equal(handshake.Client, outputs[1].Secret.ToArray());
        Assert.Equal(handshake.Server, outputs[2].Secret.ToArray());

        List<byte[]> flight = SplitMessages(outputs[3].Data.ToArray());
        foreach (byte[] message in flight.Take(flight.Count - 1))
        {
            transcript.Append(message);
        }

        Assert.True(TlsKeySchedule.VerifyFinished(suite, handshake.Server, transcript.GetCurrentHash(), flight[^1].AsSpan(4)));
        transcript.Append(flight[^1]);
        schedule.AdvanceToMasterSecret();
        TlsTrafficSecrets application = schedule.DeriveApplicationTrafficSecrets(transcript.GetCurrentHash());
        Assert.Equal(application.Server, outputs[4].Secret.ToArray());
        Assert.Equal(application.Client, outputs[5].Secret.ToArray());

        byte[] clientFinished = new FinishedMessage { VerifyData = TlsKeySchedule.ComputeVerifyData(suite, handshake.Client, transcript.GetCurrentHash()) }.Encode();
        server.HandleCryptoData(EncryptionLevel.Handshake, clientFinished);
        Assert.True(server.IsHandshakeComplete);
        Assert.True(server.SentHelloRetryRequest);
    }

    [Fact]
    public void HelloRetryRequest_ClientHandlesAServerPreferringAGroupItDidNotShare()
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(groups: [TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1], keyShareGroups: [TlsNamedGroup.Secp256r1]),
            Server(groups: [TlsNamedGroup.Secp384r1])).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.True(pair.Client.ReceivedHelloRetryRequest);
        TlsHandshakeTests.AssertSecretsMatch(pair, 32);

        List<TlsFlight> initial = pair.Delivered.Where(f => f.Level == EncryptionLevel.Initial).ToList();
        Assert.Equal([true, false, true, false], initial.Select(f => f.FromClient));
        ServerHelloMessage retry = ServerHelloMessage.Parse(initial[1].Data.AsSpan(4));
        ClientHelloMessage first = ClientHelloMessage.Parse(initial[0].Data.AsSpan(4));
        ClientHelloMessage second = ClientHelloMessage.Parse(initial[2].Data.AsSpan(4));
        Assert.True(retry.IsHelloRetryRequest);
        Assert.Equal(retry.Cookie, second.Cookie);
        Assert.Null(first.Cookie);
        Assert.Equal([Secp384r1], second.KeyShares!.Select(s => s.Group));
        Assert.Equal(first.Random, second.Random);
        Assert.Equal(Secp384r1, ServerHelloMessage.Parse(initial[3].Data.AsSpan(4)).KeyShare!.Value.Group);
    }

    [Theory]
    [InlineData(0x1301)]
    [InlineData(0x1302)]
    public void HelloRetryRequest_TranscriptUsesTheSuiteHash(int suite)
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(suites: [(CipherSuite)suite], keyShareGroups: []),
            Server()).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.True(pair.Client.ReceivedHelloRetryRequest);
        TlsHandshakeTests.AssertSecretsMatch(pair, ((CipherSuite)suite).HashLength());
    }

    [Fact]
    public void HelloRetryRequest_Second_IsUnexpectedMessage()
    {
        var pair = new TlsHandshakePair(Client(keyShareGroups: []), Server());
        pair.RunUntil(f => f.FromClient && f.Index > 0);

        byte[] another = Retry(0x1301, Secp384r1, cookie: null);
        TlsAlertException e = AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Client.HandleCryptoData(EncryptionLevel.Initial, another));
        Assert.Contains("second HelloRetryRequest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelloRetryRequest_SelectingAGroupNotOffered_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client(groups: [TlsNamedGroup.Secp256r1], keyShareGroups: [TlsNamedGroup.Secp256r1]));
        client.Start();

        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1301, Secp384r1, cookie: null)));
        Assert.Contains("secp384r1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelloRetryRequest_SelectingAnUnsupportedGroup_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();

        AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1301, X25519, cookie: null)));
    }

    [Fact]
    public void HelloRetryRequest_SelectingAnAlreadySharedGroup_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client(keyShareGroups: [TlsNamedGroup.Secp256r1]));
        client.Start();

        AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1301, Secp256r1, cookie: null)));
    }

    [Fact]
    public void HelloRetryRequest_ThatChangesNothing_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();

        AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1301, group: null, cookie: null)));
    }

    [Fact]
    public void HelloRetryRequest_WithASuiteNotOffered_IsIllegalParameter()
    {
        var client = new TlsClientHandshake(Client(suites: [CipherSuite.Aes128GcmSha256]));
        client.Start();

        AssertAlert(TlsAlert.IllegalParameter, () => client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1302, Secp384r1, cookie: null)));
    }

    [Fact]
    public void HelloRetryRequest_WithOnlyACookie_IsAnsweredWithTheSameSharesAndTheCookie()
    {
        var client = new TlsClientHandshake(Client());
        client.Start();
        Assert.True(client.TryPollOutput(out TlsOutput firstOutput));
        ClientHelloMessage first = ClientHelloMessage.Parse(firstOutput.Data.Span[4..]);

        client.HandleCryptoData(EncryptionLevel.Initial, Retry(0x1301, group: null, cookie: [9, 8, 7]));

        Assert.True(client.TryPollOutput(out TlsOutput secondOutput));
        ClientHelloMessage second = ClientHelloMessage.Parse(secondOutput.Data.Span[4..]);
        Assert.Equal([9, 8, 7], second.Cookie);
        Assert.Equal(first.KeyShares!.Single().KeyExchange, second.KeyShares!.Single().KeyExchange);
    }

    [Fact]
    public void HelloRetryRequest_ServerHelloWithADifferentSuite_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server(groups: [TlsNamedGroup.Secp384r1]));
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Initial)
            {
                return f.Data;
            }

            ServerHelloMessage hello = ServerHelloMessage.Parse(f.Data.AsSpan(4));
            if (hello.IsHelloRetryRequest)
            {
                return f.Data;
            }

            return new ServerHelloMessage
            {
                Random = hello.Random,
                CipherSuite = 0x1303,
                SelectedVersion = hello.SelectedVersion,
                KeyShare = hello.KeyShare,
            }.Encode();
        };

        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
        Assert.Same(e, pair.Client.Failure);
    }

    [Fact]
    public void HelloRetryRequest_SecondClientHelloWithoutTheCookie_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(keyShareGroups: []), Server());
        pair.Transform = f => f.FromClient && f.Index > 0 && f.Level == EncryptionLevel.Initial
            ? WithoutCookie(f.Data)
            : f.Data;

        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
        Assert.Equal("The second ClientHello does not echo the HelloRetryRequest cookie.", e.Message);
        Assert.Same(e, pair.Server.Failure);
    }

    [Fact]
    public void HelloRetryRequest_SecondClientHelloWithoutTheRequestedShare_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        ClientHelloMessage first = ClientHello(keyShares: [new KeyShareEntry(X25519, new byte[32])], supportedGroups: [X25519, Secp256r1]);
        server.HandleCryptoData(EncryptionLevel.Initial, first.Encode());
        ServerHelloMessage retry = ServerHelloMessage.Parse(Drain(server).Single().Data.Span[4..]);

        byte[] second = first.WithRetry([new KeyShareEntry(X25519, new byte[32])], retry.Cookie).Encode();
        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, second));
        Assert.Contains("secp256r1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelloRetryRequest_SecondClientHelloWithAnotherRandom_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        ClientHelloMessage first = ClientHello(keyShares: [], supportedGroups: [Secp256r1]);
        server.HandleCryptoData(EncryptionLevel.Initial, first.Encode());
        ServerHelloMessage retry = ServerHelloMessage.Parse(Drain(server).Single().Data.Span[4..]);
        using TlsKeyShare share = TlsKeyShare.Generate(TlsNamedGroup.Secp256r1);

        byte[] second = ClientHello(keyShares: [new KeyShareEntry(Secp256r1, share.PublicKey)], supportedGroups: [Secp256r1], cookie: retry.Cookie).Encode();
        AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, second));
    }

    [Fact]
    public void HelloRetryRequest_SecondClientHelloDroppingTheSelectedSuite_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        ClientHelloMessage first = ClientHello(keyShares: [], supportedGroups: [Secp256r1]);
        server.HandleCryptoData(EncryptionLevel.Initial, first.Encode());
        ServerHelloMessage retry = ServerHelloMessage.Parse(Drain(server).Single().Data.Span[4..]);
        using TlsKeyShare share = TlsKeyShare.Generate(TlsNamedGroup.Secp256r1);

        byte[] second = ClientHello(keyShares: [new KeyShareEntry(Secp256r1, share.PublicKey)], supportedGroups: [Secp256r1], cookie: retry.Cookie, random: first.Random, suites: [0x1302]).Encode();
        AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, second));
    }

    [Fact]
    public void KeyExchange_NoCommonGroup_IsHandshakeFailure()
    {
        var server = new TlsServerHandshake(Server());
        byte[] hello = ClientHello(keyShares: [new KeyShareEntry(X25519, new byte[32])], supportedGroups: [X25519]).Encode();

        TlsAlertException e = AssertAlert(TlsAlert.HandshakeFailure, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
        Assert.Equal("No common key exchange group: the client supports x25519; this server supports secp256r1, secp384r1.", e.Message);
    }

    [Fact]
    public void KeyExchange_ThousandsOfUnusableGroupsAndShares_FailWithABoundedMessage()
    {
        var server = new TlsServerHandshake(Server());
        ushort[] groups = Enumerable.Range(0x2000, 14_000).Select(g => (ushort)g).ToArray();
        KeyShareEntry[] shares = groups.Take(6_000).Select(g => new KeyShareEntry(g, [1])).ToArray();
        byte[] hello = ClientHello(keyShares: shares, supportedGroups: groups).Encode();
        Assert.True(hello.Length < 64 * 1024);

        TlsAlertException e = AssertAlert(TlsAlert.HandshakeFailure, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
        Assert.True(e.Message.Length < 400, e.Message);
        Assert.Contains("(14000 in all)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyExchange_ShareForAGroupNotInSupportedGroups_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        using TlsKeyShare share = TlsKeyShare.Generate(TlsNamedGroup.Secp384r1);
        byte[] hello = ClientHello(keyShares: [new KeyShareEntry(Secp384r1, share.PublicKey)], supportedGroups: [Secp256r1]).Encode();

        AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
    }

    [Fact]
    public void KeyExchange_DuplicateShareGroup_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        using TlsKeyShare share = TlsKeyShare.Generate(TlsNamedGroup.Secp256r1);
        byte[] hello = ClientHello(keyShares: [new KeyShareEntry(Secp256r1, share.PublicKey), new KeyShareEntry(Secp256r1, share.PublicKey)]).Encode();

        AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
    }

    [Fact]
    public void KeyExchange_PointNotOnTheCurve_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        byte[] point = new byte[65];
        point[0] = 0x04;
        point[1] = 1;
        point[33] = 1;
        byte[] hello = ClientHello(keyShares: [new KeyShareEntry(Secp256r1, point)]).Encode();

        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
        Assert.Contains("not a valid point", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyExchange_CompressedPoint_IsIllegalParameter()
    {
        var server = new TlsServerHandshake(Server());
        byte[] point = new byte[33];
        point[0] = 0x02;
        byte[] hello = ClientHello(keyShares: [new KeyShareEntry(Secp256r1, point)]).Encode();

        AssertAlert(TlsAlert.IllegalParameter, () => server.HandleCryptoData(EncryptionLevel.Initial, hello));
    }

    private static byte[] Retry(ushort suite, ushort? group, byte[]? cookie) => new ServerHelloMessage
    {
        Random = ServerHelloMessage.HelloRetryRequestRandom.ToArray(),
        CipherSuite = suite,
        SelectedVersion = 0x0304,
        SelectedGroup = group,
        Cookie = cookie,
    }.Encode();

    private static byte[] WithoutCookie(byte[] clientHello)
    {
        ClientHelloMessage hello = ClientHelloMessage.Parse(clientHello.AsSpan(4));
        return hello.WithRetry(hello.KeyShares!, cookie: null).Encode();
    }

    private static List<TlsOutput> Drain(ITlsHandshake handshake)
    {
        var outputs = new List<TlsOutput>();
        while (handshake.TryPollOutput(out TlsOutput output))
        {
            outputs.Add(output);
        }

        return outputs;
    }
}
