using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsMutualTlsTests
{
    [Fact]
    public void MutualTls_ClientCertificateIsValidatedAndExposed()
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(clientCertificate: ClientCredential),
            Server(clientCertificateMode: TlsClientCertificateMode.Required)).Run();

        Assert.True(pair.Client.IsHandshakeComplete);
        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Equal(TestCertificates.Client.Thumbprint, pair.Server.PeerCertificate!.Thumbprint);
        TlsFlight serverFlight = pair.Delivered.Single(f => !f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal(
            [TlsHandshakeType.EncryptedExtensions, TlsHandshakeType.CertificateRequest, TlsHandshakeType.Certificate, TlsHandshakeType.CertificateVerify, TlsHandshakeType.Finished],
            SplitMessages(serverFlight.Data).Select(m => (TlsHandshakeType)m[0]));
        TlsFlight clientFlight = pair.Delivered.Single(f => f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal(
            [TlsHandshakeType.Certificate, TlsHandshakeType.CertificateVerify, TlsHandshakeType.Finished],
            SplitMessages(clientFlight.Data).Select(m => (TlsHandshakeType)m[0]));
        TlsHandshakeTests.AssertSecretsMatch(pair, 32);
    }

    [Fact]
    public void MutualTls_CertificateRequestListsTheServerSchemes()
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(clientCertificate: ClientCredential),
            Server(clientCertificateMode: TlsClientCertificateMode.Optional, schemes: [TlsSignatureScheme.EcdsaSecp256r1Sha256, TlsSignatureScheme.RsaPssRsaeSha256])).Run();

        TlsFlight serverFlight = pair.Delivered.Single(f => !f.FromClient && f.Level == EncryptionLevel.Handshake);
        CertificateRequestMessage request = CertificateRequestMessage.Parse(SplitMessages(serverFlight.Data)[1].AsSpan(4));
        Assert.Equal([(ushort)0x0403, (ushort)0x0804], request.SignatureAlgorithms);
        Assert.Empty(request.Context);
        Assert.NotNull(pair.Server.PeerCertificate);
    }

    [Fact]
    public void MutualTls_MissingClientCertificateWhenRequired_IsCertificateRequired()
    {
        var pair = new TlsHandshakePair(Client(), Server(clientCertificateMode: TlsClientCertificateMode.Required));

        TlsAlertException e = AssertAlert(TlsAlert.CertificateRequired, () => pair.Run());
        Assert.Same(e, pair.Server.Failure);
        Assert.Equal("The client sent no certificate; this server requires one.", e.Message);
        Assert.Equal((TransportErrorCode)0x174, e.ErrorCode);
        TlsFlight clientFlight = pair.Delivered.Single(f => f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal([TlsHandshakeType.Certificate, TlsHandshakeType.Finished], SplitMessages(clientFlight.Data).Select(m => (TlsHandshakeType)m[0]));
    }

    [Fact]
    public void MutualTls_MissingClientCertificateWhenOptional_Completes()
    {
        TlsHandshakePair pair = new TlsHandshakePair(Client(), Server(clientCertificateMode: TlsClientCertificateMode.Optional)).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Null(pair.Server.PeerCertificate);
    }

    [Fact]
    public void MutualTls_UntrustedClientCertificate_IsUnknownCa()
    {
        var pair = new TlsHandshakePair(
            Client(clientCertificate: new TlsCertificateCredential(TestCertificates.UntrustedClient)),
            Server(clientCertificateMode: TlsClientCertificateMode.Optional));

        TlsAlertException e = AssertAlert(TlsAlert.UnknownCa, () => pair.Run());
        Assert.Same(e, pair.Server.Failure);
        Assert.StartsWith("The client certificate is not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutualTls_ServerCertificateUsedAsClientCertificate_IsUnsupportedCertificate()
    {
        var pair = new TlsHandshakePair(Client(clientCertificate: ServerP256), Server(clientCertificateMode: TlsClientCertificateMode.Required));

        TlsAlertException e = AssertAlert(TlsAlert.UnsupportedCertificate, () => pair.Run());
        Assert.Contains("client authentication", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutualTls_ClientHookAcceptsAnUntrustedClientCertificate()
    {
        TlsCertificateValidationContext? seen = null;
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(clientCertificate: new TlsCertificateCredential(TestCertificates.UntrustedClient)),
            Server(clientCertificateMode: TlsClientCertificateMode.Required, clientHook: context =>
            {
                seen = context;
                return true;
            })).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.False(seen!.IsServerCertificate);
        Assert.Null(seen.TargetHost);
        Assert.Equal(TlsAlert.UnknownCa, seen.FailureAlert);
    }

    [Fact]
    public void MutualTls_ClientKeyNotUsableWithTheRequestedSchemes_SendsAnEmptyCertificate()
    {
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(clientCertificate: ClientCredential),
            Server(ServerRsa, clientCertificateMode: TlsClientCertificateMode.Optional, schemes: [TlsSignatureScheme.RsaPssRsaeSha256])).Run();

        Assert.True(pair.Server.IsHandshakeComplete);
        Assert.Null(pair.Server.PeerCertificate);
        TlsFlight clientFlight = pair.Delivered.Single(f => f.FromClient && f.Level == EncryptionLevel.Handshake);
        Assert.Equal(new CertificateMessage { Entries = [] }.Encode(), SplitMessages(clientFlight.Data)[0]);
    }

    [Fact]
    public void MutualTls_RsaClientCertificateSignsWithPss()
    {
        var rsaClient = new TlsCertificateCredential(TestCertificates.Rsa2048Server, [TestCertificates.IntermediateCa]);
        TlsHandshakePair pair = new TlsHandshakePair(
            Client(clientCertificate: rsaClient, schemes: [TlsSignatureScheme.RsaPssRsaeSha384, TlsSignatureScheme.EcdsaSecp256r1Sha256]),
            Server(clientCertificateMode: TlsClientCertificateMode.Required, clientHook: context => context.FailureAlert == TlsAlert.UnsupportedCertificate)).Run();

        TlsFlight clientFlight = pair.Delivered.Single(f => f.FromClient && f.Level == EncryptionLevel.Handshake);
        CertificateVerifyMessage verify = CertificateVerifyMessage.Parse(SplitMessages(clientFlight.Data)[1].AsSpan(4));
        Assert.Equal((ushort)TlsSignatureScheme.RsaPssRsaeSha384, verify.Scheme);
        Assert.True(pair.Server.IsHandshakeComplete);
    }

    [Fact]
    public void MutualTls_TamperedClientCertificateVerify_IsDecryptError()
    {
        var pair = new TlsHandshakePair(Client(clientCertificate: ClientCredential), Server(clientCertificateMode: TlsClientCertificateMode.Required));
        pair.Transform = f =>
        {
            if (!f.FromClient || f.Level != EncryptionLevel.Handshake)
            {
                return f.Data;
            }

            List<byte[]> messages = SplitMessages(f.Data);
            CertificateVerifyMessage verify = CertificateVerifyMessage.Parse(messages[1].AsSpan(4));
            byte[] signature = (byte[])verify.Signature.Clone();
            signature[8] ^= 0x04;
            messages[1] = new CertificateVerifyMessage { Scheme = verify.Scheme, Signature = signature }.Encode();
            return Join(messages);
        };

        TlsAlertException e = AssertAlert(TlsAlert.DecryptError, () => pair.Run());
        Assert.Equal("The client's CertificateVerify signature does not verify.", e.Message);
    }

    [Fact]
    public void MutualTls_ClientFinishedWithoutCertificate_IsUnexpectedMessage()
    {
        var pair = new TlsHandshakePair(Client(clientCertificate: ClientCredential), Server(clientCertificateMode: TlsClientCertificateMode.Required));
        pair.Transform = f => f.FromClient && f.Level == EncryptionLevel.Handshake ? SplitMessages(f.Data)[^1] : f.Data;

        AssertAlert(TlsAlert.UnexpectedMessage, () => pair.Run());
    }
}
