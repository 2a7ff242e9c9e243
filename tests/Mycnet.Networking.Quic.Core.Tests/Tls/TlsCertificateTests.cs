using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsCertificateTests
{
    [Fact]
    public void Certificate_EcdsaP256_SignsWithEcdsaSecp256r1Sha256()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server(ServerP256)).Run();

        Assert.Equal((ushort)TlsSignatureScheme.EcdsaSecp256r1Sha256, ServerCertificateVerify(pair).Scheme);
        Assert.True(pair.Client.IsHandshakeComplete);
    }

    [Fact]
    public void Certificate_EcdsaP384_SignsWithEcdsaSecp384r1Sha384()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server(ServerP384)).Run();

        Assert.Equal((ushort)TlsSignatureScheme.EcdsaSecp384r1Sha384, ServerCertificateVerify(pair).Scheme);
        Assert.True(pair.Client.IsHandshakeComplete);
    }

    [Theory]
    [InlineData(0x0804)] // rsa_pss_rsae_sha256
    [InlineData(0x0805)] // rsa_pss_rsae_sha384
    [InlineData(0x0806)] // rsa_pss_rsae_sha512
    public void Certificate_Rsa_SignsWithTheRsaPssSchemeTheClientOffers(int scheme)
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(schemes: [(TlsSignatureScheme)scheme]), Server(ServerRsa)).Run();

        CertificateVerifyMessage verify = ServerCertificateVerify(pair);
        Assert.Equal(scheme, verify.Scheme);
        Assert.Equal(256, verify.Signature.Length);
        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
    }

    [Fact]
    public void Certificate_NoSchemeFitsTheServerKey_IsHandshakeFailure()
    {
        var pair = new TlsHandshakePair(Client(schemes: [TlsSignatureScheme.EcdsaSecp256r1Sha256]), Server(ServerRsa));

        TlsAlertException e = AssertAlert(TlsAlert.HandshakeFailure, () => pair.Run());
        Assert.Same(e, pair.Server.Failure);
        Assert.Contains("RSA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_Expired_IsRefusedWithCertificateExpired()
    {
        var pair = new TlsHandshakePair(Client(), Server(Credential(TestCertificates.ExpiredServer)));

        TlsAlertException e = AssertAlert(TlsAlert.CertificateExpired, () => pair.Run());
        Assert.Equal("The server certificate has expired (NotAfter 2025-01-01T00:00:00Z).", e.Message);
        Assert.Same(e, pair.Client.Failure);
    }

    [Fact]
    public void Certificate_NotYetValid_IsRefusedWithCertificateExpired()
    {
        var pair = new TlsHandshakePair(Client(), Server(Credential(TestCertificates.NotYetValidServer)));

        TlsAlertException e = AssertAlert(TlsAlert.CertificateExpired, () => pair.Run());
        Assert.Equal("The server certificate is not yet valid (NotBefore 2098-01-01T00:00:00Z).", e.Message);
    }

    [Fact]
    public void Certificate_ValidityFollowsTheInjectedClock()
    {
        var afterExpiry = new FakeTimeProvider(new DateTimeOffset(2099, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var pair = new TlsHandshakePair(Client(timeProvider: afterExpiry), Server());

        TlsAlertException e = AssertAlert(TlsAlert.CertificateExpired, () => pair.Run());
        Assert.Equal("The server certificate has expired (NotAfter 2099-01-01T00:00:00Z).", e.Message);
    }

    [Fact]
    public void Certificate_SelfSigned_IsRefusedWithUnknownCa()
    {
        var pair = new TlsHandshakePair(Client(), Server(new TlsCertificateCredential(TestCertificates.SelfSignedServer)));

        TlsAlertException e = AssertAlert(TlsAlert.UnknownCa, () => pair.Run());
        Assert.StartsWith("The server certificate is not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_FromAnotherCa_IsRefusedWithUnknownCa()
    {
        var pair = new TlsHandshakePair(Client(), Server(new TlsCertificateCredential(TestCertificates.OtherCaServer)));

        TlsAlertException e = AssertAlert(TlsAlert.UnknownCa, () => pair.Run());
        Assert.Contains("Mycnet Other Root CA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_WithoutItsIntermediate_IsRefusedWithUnknownCa()
    {
        var pair = new TlsHandshakePair(Client(), Server(new TlsCertificateCredential(TestCertificates.EcdsaP256Server)));

        TlsAlertException e = AssertAlert(TlsAlert.UnknownCa, () => pair.Run());
        Assert.Contains("Mycnet Test Intermediate CA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_ForAnotherHost_IsRefusedWithBadCertificate()
    {
        var pair = new TlsHandshakePair(Client(serverName: "example.test"), Server());

        TlsAlertException e = AssertAlert(TlsAlert.BadCertificate, () => pair.Run());
        Assert.Equal("The server certificate does not match host 'example.test'.", e.Message);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("SERVER.test")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void Certificate_MatchesEachSubjectAlternativeName(string serverName)
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(serverName: serverName), Server()).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
    }

    [Fact]
    public void Certificate_IpAddressServerName_IsNotSentAsSni()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(serverName: "127.0.0.1"), Server()).Run();

        Assert.Null(ClientHelloMessage.Parse(pair.Delivered[0].Data.AsSpan(4)).ServerName);
        Assert.Null(pair.Server.ServerName);
        Assert.Equal("127.0.0.1", pair.Client.ServerName);
    }

    [Fact]
    public void Certificate_IpAddressNotInTheSans_IsRefusedWithBadCertificate()
    {
        var pair = new TlsHandshakePair(Client(serverName: "10.1.2.3"), Server());

        TlsAlertException e = AssertAlert(TlsAlert.BadCertificate, () => pair.Run());
        Assert.Equal("The server certificate does not match host '10.1.2.3'.", e.Message);
    }

    [Fact]
    public void Certificate_ClientAuthOnlyCertificateUsedByAServer_IsRefusedWithUnsupportedCertificate()
    {
        var pair = new TlsHandshakePair(Client(serverName: "client.test"), Server(ClientCredential));

        TlsAlertException e = AssertAlert(TlsAlert.UnsupportedCertificate, () => pair.Run());
        Assert.Contains("server authentication", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_ValidationHook_AcceptsAnOtherwiseUntrustedCertificate()
    {
        TlsCertificateValidationContext? seen = null;
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(hook: context =>
            {
                seen = context;
                return context.Certificate.Thumbprint == TestCertificates.SelfSignedServer.Thumbprint;
            }),
            Server(new TlsCertificateCredential(TestCertificates.SelfSignedServer))).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.NotNull(seen);
        Assert.Equal(SslPolicyErrors.RemoteCertificateChainErrors, seen.PolicyErrors);
        Assert.Equal(TlsAlert.UnknownCa, seen.FailureAlert);
        Assert.True(seen.IsServerCertificate);
        Assert.Equal("server.test", seen.TargetHost);
        Assert.Equal(TestCertificates.SelfSignedServer.Thumbprint, pair.Client.PeerCertificate!.Thumbprint);
    }

    [Fact]
    public void Certificate_ValidationHook_SeesNameMismatchAndTheChain()
    {
        TlsCertificateValidationContext? seen = null;
        string[]? chain = null;
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(serverName: "pinned.example", hook: context =>
            {
                seen = context;
                chain = context.ChainElements.Select(c => c.Subject).ToArray();
                return true;
            }),
            Server()).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.Equal(SslPolicyErrors.RemoteCertificateNameMismatch, seen!.PolicyErrors);
        Assert.Equal(X509ChainStatusFlags.NoError, seen.ChainStatus);
        Assert.Equal([TestCertificates.EcdsaP256Server.Subject, TestCertificates.IntermediateCa.Subject, TestCertificates.RootCa.Subject], chain!);
    }

    [Fact]
    public void Certificate_ValidationHook_CanRejectAValidCertificate()
    {
        var pair = new TlsHandshakePair(Client(hook: _ => false), Server());

        TlsAlertException e = AssertAlert(TlsAlert.BadCertificate, () => pair.Run());
        Assert.Equal("The server certificate was rejected by the validation hook.", e.Message);
    }

    [Fact]
    public void Certificate_ValidationHookRejectingAnExpiredCertificate_KeepsTheSpecificAlert()
    {
        var pair = new TlsHandshakePair(Client(hook: _ => false), Server(Credential(TestCertificates.ExpiredServer)));

        AssertAlert(TlsAlert.CertificateExpired, () => pair.Run());
    }

    [Fact]
    public void Certificate_ValidationHookThatThrows_IsInternalErrorWithTheCause()
    {
        var pair = new TlsHandshakePair(Client(hook: _ => throw new InvalidOperationException("pin store offline")), Server());

        TlsAlertException e = AssertAlert(TlsAlert.InternalError, () => pair.Run());
        Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains("pin store offline", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_SelectorPicksByServerName()
    {
        Func<string?, TlsCertificateCredential?> selector = name => name == "localhost" ? ServerP384 : null;

        TlsHandshakePair byName = new TlsHandshakePair(Client(serverName: "localhost"), Server(ServerP256, selector)).Run();
        TlsHandshakePair fallback = new TlsHandshakePair(Client(serverName: "server.test"), Server(ServerP256, selector)).Run();

        Assert.Equal(TestCertificates.EcdsaP384Server.Thumbprint, byName.Client.PeerCertificate!.Thumbprint);
        Assert.Equal(TestCertificates.EcdsaP256Server.Thumbprint, fallback.Client.PeerCertificate!.Thumbprint);
        Assert.Equal("localhost", byName.Server.ServerName);
    }

    [Fact]
    public void Certificate_SelectorWithoutMatchOrDefault_IsUnrecognizedName()
    {
        var pair = new TlsHandshakePair(Client(), Server(selector: _ => null));

        TlsAlertException e = AssertAlert(TlsAlert.UnrecognizedName, () => pair.Run());
        Assert.Contains("server.test", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_EmptyServerCertificate_IsDecodeError()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.Certificate, new CertificateMessage { Entries = [] }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.DecodeError, () => pair.Run());
    }

    [Fact]
    public void Certificate_GarbageCertificateBytes_IsBadCertificate()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.Certificate, new CertificateMessage { Entries = [new CertificateEntry([0x30, 0x03, 0x02, 0x01, 0x00], [])] }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.BadCertificate, () => pair.Run());
    }

    [Fact]
    public void Certificate_EntryExtensionNotRequested_IsUnsupportedExtension()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.Certificate, new CertificateMessage
            {
                Entries = [new CertificateEntry(TestCertificates.EcdsaP256Server.RawData, [new TlsExtension((ushort)TlsExtensionType.StatusRequest, [1, 2])])],
            }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.UnsupportedExtension, () => pair.Run());
    }

    [Fact]
    public void CertificateVerify_TamperedSignature_IsDecryptError()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Handshake)
            {
                return f.Data;
            }

            CertificateVerifyMessage verify = CertificateVerifyMessage.Parse(SplitMessages(f.Data).Single(m => m[0] == 15).AsSpan(4));
            byte[] signature = (byte[])verify.Signature.Clone();
            signature[^1] ^= 0x01;
            return ReplaceMessage(f.Data, TlsHandshakeType.CertificateVerify, new CertificateVerifyMessage { Scheme = verify.Scheme, Signature = signature }.Encode());
        };

        TlsAlertException e = AssertAlert(TlsAlert.DecryptError, () => pair.Run());
        Assert.Equal("The server's CertificateVerify signature does not verify.", e.Message);
    }

    [Fact]
    public void CertificateVerify_SchemeNotMatchingTheKey_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.CertificateVerify, new CertificateVerifyMessage { Scheme = 0x0804, Signature = new byte[256] }.Encode())
            : f.Data;

        AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
    }

    [Fact]
    public void CertificateVerify_SchemeNotOffered_IsIllegalParameter()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f => !f.FromClient && f.Level == EncryptionLevel.Handshake
            ? ReplaceMessage(f.Data, TlsHandshakeType.CertificateVerify, new CertificateVerifyMessage { Scheme = 0x0401, Signature = new byte[64] }.Encode())
            : f.Data;

        TlsAlertException e = AssertAlert(TlsAlert.IllegalParameter, () => pair.Run());
        Assert.Contains("RsaPkcs1Sha256", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_Tampered_IsDecryptError()
    {
        var pair = new TlsHandshakePair(Client(), Server());
        pair.Transform = f =>
        {
            if (f.FromClient || f.Level != EncryptionLevel.Handshake)
            {
                return f.Data;
            }

            byte[] data = (byte[])f.Data.Clone();
            data[^1] ^= 0x80;
            return data;
        };

        TlsAlertException e = AssertAlert(TlsAlert.DecryptError, () => pair.Run());
        Assert.Equal("The server Finished does not verify.", e.Message);
    }

    [Fact]
    public void PeerCertificate_RemainsUsableAfterValidation()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server(ServerRsa)).Run();

        X509Certificate2 peer = pair.Client.PeerCertificate!;
        using var rsa = peer.GetRSAPublicKey();
        Assert.Equal(2048, rsa!.KeySize);
        Assert.Equal(TestCertificates.Rsa2048Server.RawData, peer.RawData);
    }

    private static CertificateVerifyMessage ServerCertificateVerify(TlsHandshakePair pair)
    {
        TlsFlight flight = pair.Delivered.Single(f => !f.FromClient && f.Level == EncryptionLevel.Handshake);
        return CertificateVerifyMessage.Parse(SplitMessages(flight.Data).Single(m => m[0] == (byte)TlsHandshakeType.CertificateVerify).AsSpan(4));
    }
}
