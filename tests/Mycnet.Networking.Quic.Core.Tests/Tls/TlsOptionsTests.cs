using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Tls;
using Mycnet.Networking.Testing;
using static Mycnet.Networking.Quic.Core.Tests.Tls.TlsTestSetup;

namespace Mycnet.Networking.Quic.Core.Tests.Tls;

public sealed class TlsOptionsTests
{
    [Fact]
    public void ClientOptions_Defaults_ValidateWithAServerNameAndAlpn()
    {
        var options = new TlsClientOptions { ServerName = "server.test", ApplicationProtocols = ["h3"] };

        options.Validate();
        Assert.Equal(X509RevocationMode.NoCheck, options.RevocationMode);
        Assert.Null(options.TrustedRoots);
        Assert.Null(options.CertificateValidationHook);
        Assert.Equal([TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1], options.KeyExchangeGroups);
        Assert.Equal([TlsNamedGroup.Secp256r1], options.KeyShareGroups);
        Assert.Equal(3, options.CipherSuites.Count);
    }

    [Theory]
    [InlineData("", "ServerName")]
    [InlineData("bad name.test", "ServerName")]
    [InlineData("bücher.test", "ServerName")]
    [InlineData("a..b", "ServerName")]
    public void ClientOptions_InvalidServerName_IsRejected(string serverName, string property)
    {
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(() => new TlsClientHandshake(Client(serverName: serverName)));
        Assert.Equal(property, e.ParamName);
    }

    [Fact]
    public void ClientOptions_EachInvalidSettingIsNamed()
    {
        AssertInvalid(nameof(TlsClientOptions.ApplicationProtocols), () => Client(alpn: []).Validate());
        AssertInvalid(nameof(TlsClientOptions.ApplicationProtocols), () => Client(alpn: [""]).Validate());
        AssertInvalid(nameof(TlsClientOptions.ApplicationProtocols), () => Client(alpn: ["h3", "h3"]).Validate());
        AssertInvalid(nameof(TlsClientOptions.ApplicationProtocols), () => Client(alpn: [new string('a', 256)]).Validate());
        AssertInvalid(nameof(TlsClientOptions.CipherSuites), () => Client(suites: []).Validate());
        AssertInvalid(nameof(TlsClientOptions.CipherSuites), () => Client(suites: [(CipherSuite)0x1304]).Validate());
        AssertInvalid(nameof(TlsClientOptions.CipherSuites), () => Client(suites: [CipherSuite.Aes128GcmSha256, CipherSuite.Aes128GcmSha256]).Validate());
        AssertInvalid(nameof(TlsClientOptions.KeyExchangeGroups), () => Client(groups: [TlsNamedGroup.X25519]).Validate());
        AssertInvalid(nameof(TlsClientOptions.KeyExchangeGroups), () => Client(groups: []).Validate());
        AssertInvalid(nameof(TlsClientOptions.KeyShareGroups), () => Client(groups: [TlsNamedGroup.Secp384r1], keyShareGroups: [TlsNamedGroup.Secp256r1]).Validate());
        AssertInvalid(nameof(TlsClientOptions.SignatureSchemes), () => Client(schemes: [TlsSignatureScheme.Ed25519]).Validate());
        AssertInvalid(nameof(TlsClientOptions.SignatureSchemes), () => Client(schemes: [TlsSignatureScheme.RsaPkcs1Sha256]).Validate());
        AssertInvalid(nameof(TlsClientOptions.TransportParameters), () => Client(transportParameters: new byte[20_000]).Validate());
        AssertInvalid(nameof(TlsClientOptions.RevocationMode), () => new TlsClientOptions { ServerName = "a", ApplicationProtocols = ["h3"], RevocationMode = (X509RevocationMode)9 }.Validate());
        AssertInvalid(nameof(TlsClientOptions.TimeProvider), () => new TlsClientOptions { ServerName = "a", ApplicationProtocols = ["h3"], TimeProvider = null! }.Validate());
    }

    [Fact]
    public void ClientOptions_AnIpAddressIsAValidServerName()
    {
        Client(serverName: "192.0.2.1").Validate();
        Client(serverName: "2001:db8::1").Validate();
    }

    [Fact]
    public void ServerOptions_EachInvalidSettingIsNamed()
    {
        AssertInvalid(nameof(TlsServerOptions.Certificate), () => new TlsServerOptions { ApplicationProtocols = ["h3"] }.Validate());
        AssertInvalid(nameof(TlsServerOptions.ApplicationProtocols), () => Server(alpn: []).Validate());
        AssertInvalid(nameof(TlsServerOptions.KeyExchangeGroups), () => Server(groups: [TlsNamedGroup.Secp521r1]).Validate());
        AssertInvalid(nameof(TlsServerOptions.ClientCertificateMode), () => Server(clientCertificateMode: (TlsClientCertificateMode)7).Validate());
        AssertInvalid(nameof(TlsServerOptions.TransportParameters), () => Server(transportParameters: new byte[20_000]).Validate());
    }

    [Fact]
    public void ServerOptions_ASelectorAloneIsEnough()
    {
        Server(selector: _ => ServerP256).Validate();
    }

    [Fact]
    public void Credential_WithoutAPrivateKey_IsRejected()
    {
        using X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(TestCertificates.EcdsaP256Server.RawData);

        ArgumentException e = Assert.Throws<ArgumentException>(() => new TlsCertificateCredential(publicOnly));
        Assert.Equal("certificate", e.ParamName);
        Assert.Contains("no private key", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Credential_KnowsItsKeyKind()
    {
        Assert.Equal(TlsKeyKind.EcdsaP256, ServerP256.KeyKind);
        Assert.Equal(TlsKeyKind.EcdsaP384, ServerP384.KeyKind);
        Assert.Equal(TlsKeyKind.Rsa, ServerRsa.KeyKind);
    }

    private static void AssertInvalid(string property, Action validate)
    {
        ArgumentException e = Assert.ThrowsAny<ArgumentException>(validate);
        Assert.Equal(property, e.ParamName);
        Assert.False(string.IsNullOrWhiteSpace(e.Message));
    }
}
