using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Server configuration for <see cref="TlsServerHandshake"/>; checked by <see cref="Validate"/>
/// (called by the handshake's constructor), which throws <see cref="ArgumentException"/> naming the
/// property at fault. Selection follows the server's preference order for suites, groups and ALPN,
/// and the client's for signature schemes. The server never offers early data.
/// </summary>
internal sealed class TlsServerOptions
{
    /// <summary>The certificate and chain to present when <see cref="CertificateSelector"/> is null or returns null.</summary>
    public TlsCertificateCredential? Certificate { get; init; }

    /// <summary>Picks a credential by the client's SNI (null when none was sent); null falls back to <see cref="Certificate"/>.</summary>
    public Func<string?, TlsCertificateCredential?>? CertificateSelector { get; init; }

    /// <summary>ALPN protocols this server speaks, in preference order (required, RFC 9001 §8.1).</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; init; } = [];

    /// <summary>Cipher suites accepted, in preference order.</summary>
    public IReadOnlyList<CipherSuite> CipherSuites { get; init; } = TlsOptionsValidation.DefaultCipherSuites;

    /// <summary>Key exchange groups accepted, in preference order.</summary>
    public IReadOnlyList<TlsNamedGroup> KeyExchangeGroups { get; init; } = TlsOptionsValidation.DefaultGroups;

    /// <summary>Signature schemes this server signs with and requests from clients.</summary>
    public IReadOnlyList<TlsSignatureScheme> SignatureSchemes { get; init; } = TlsSignatures.DefaultSchemes;

    /// <summary>Whether a client certificate is requested and whether it is required.</summary>
    public TlsClientCertificateMode ClientCertificateMode { get; init; } = TlsClientCertificateMode.None;

    /// <summary>Roots that anchor client chains: null trusts the system store; a collection trusts only those roots.</summary>
    public X509Certificate2Collection? ClientCertificateTrustedRoots { get; init; }

    /// <summary>Revocation checking of client chains; default NoCheck (no network on these hosts, no I/O in the core).</summary>
    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    /// <summary>Called with the result of every client certificate validation; returns true to accept.</summary>
    public Func<TlsCertificateValidationContext, bool>? ClientCertificateValidationHook { get; init; }

    /// <summary>This endpoint's encoded QUIC transport parameters (RFC 9001 §8.2); opaque to TLS.</summary>
    public ReadOnlyMemory<byte> TransportParameters { get => _transportParameters; init => _transportParameters = value; }

    private ReadOnlyMemory<byte> _transportParameters;

    /// <summary>A copy of these options carrying <paramref name="transportParameters"/> (the connection sets them per connection).</summary>
    public TlsServerOptions WithTransportParameters(ReadOnlyMemory<byte> transportParameters)
    {
        var copy = (TlsServerOptions)MemberwiseClone();
        copy._transportParameters = transportParameters;
        return copy;
    }

    /// <summary>The wall clock for certificate validity only; the core reads no clock of its own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> for any invalid setting.</summary>
    public void Validate()
    {
        if (Certificate is null && CertificateSelector is null)
        {
            throw TlsOptionsValidation.Invalid("A server needs a Certificate or a CertificateSelector.", nameof(Certificate));
        }

        TlsOptionsValidation.ValidateApplicationProtocols(ApplicationProtocols, nameof(ApplicationProtocols));
        TlsOptionsValidation.ValidateCipherSuites(CipherSuites, nameof(CipherSuites));
        TlsOptionsValidation.ValidateGroups(KeyExchangeGroups, nameof(KeyExchangeGroups), allowEmpty: false);
        TlsOptionsValidation.ValidateSignatureSchemes(SignatureSchemes, nameof(SignatureSchemes));
        if (!Enum.IsDefined(ClientCertificateMode))
        {
            throw TlsOptionsValidation.Invalid($"ClientCertificateMode {(int)ClientCertificateMode} is not defined.", nameof(ClientCertificateMode));
        }

        TlsOptionsValidation.ValidateRevocationMode(RevocationMode, nameof(RevocationMode));
        TlsOptionsValidation.ValidateTransportParameters(TransportParameters, nameof(TransportParameters));
        TlsOptionsValidation.ValidateTimeProvider(TimeProvider, nameof(TimeProvider));
    }
}
