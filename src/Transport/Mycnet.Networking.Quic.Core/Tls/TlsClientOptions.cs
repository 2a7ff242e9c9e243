using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// Client configuration for <see cref="TlsClientHandshake"/>; checked by <see cref="Validate"/>
/// (called by the handshake's constructor), which throws <see cref="ArgumentException"/> naming the
/// property at fault. Certificate validation is always on: only <see cref="CertificateValidationHook"/>
/// can accept a certificate that fails it.
/// </summary>
internal sealed class TlsClientOptions
{
    /// <summary>
    /// The server's host name or IP address literal (required). A DNS name is sent as SNI (RFC 6066 §3)
    /// and matched against the certificate's DNS SANs; an IP address is matched against its IP SANs and
    /// never sent as SNI. ASCII only: convert an internationalized name to its A-label (punycode) first.
    /// </summary>
    public string ServerName { get; init; } = string.Empty;

    /// <summary>ALPN protocols in preference order (required, RFC 9001 §8.1); each 1..255 UTF-8 bytes.</summary>
    public IReadOnlyList<string> ApplicationProtocols { get; init; } = [];

    /// <summary>Cipher suites offered, in preference order.</summary>
    public IReadOnlyList<CipherSuite> CipherSuites { get; init; } = TlsOptionsValidation.DefaultCipherSuites;

    /// <summary>Groups offered in supported_groups, in preference order (secp256r1, secp384r1).</summary>
    public IReadOnlyList<TlsNamedGroup> KeyExchangeGroups { get; init; } = TlsOptionsValidation.DefaultGroups;

    /// <summary>
    /// The groups that get a key_share in the first ClientHello: a subset of <see cref="KeyExchangeGroups"/>,
    /// possibly empty (the server then asks for one with a HelloRetryRequest).
    /// </summary>
    public IReadOnlyList<TlsNamedGroup> KeyShareGroups { get; init; } = [TlsNamedGroup.Secp256r1];

    /// <summary>CertificateVerify schemes offered in signature_algorithms, in preference order.</summary>
    public IReadOnlyList<TlsSignatureScheme> SignatureSchemes { get; init; } = TlsSignatures.DefaultSchemes;

    /// <summary>
    /// Roots that anchor the server's chain: null trusts the system store; a collection trusts only
    /// those roots (custom root trust), so an empty collection trusts nothing but the hook.
    /// </summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>
    /// Revocation checking. Default <see cref="X509RevocationMode.NoCheck"/>: these hosts have no
    /// network to fetch CRLs or OCSP responses, and the core never downloads anything; with
    /// <see cref="X509RevocationMode.Offline"/> only cached revocation data is consulted.
    /// </summary>
    public X509RevocationMode RevocationMode { get; init; } = X509RevocationMode.NoCheck;

    /// <summary>
    /// Called with the result of every server certificate validation; returns true to accept. The only
    /// way to relax validation (pinning, self-signed test peers) or to add checks.
    /// </summary>
    public Func<TlsCertificateValidationContext, bool>? CertificateValidationHook { get; init; }

    /// <summary>The certificate to answer a CertificateRequest with, or null to answer with an empty Certificate.</summary>
    public TlsCertificateCredential? ClientCertificate { get; init; }

    /// <summary>This endpoint's encoded QUIC transport parameters (RFC 9001 §8.2); opaque to TLS.</summary>
    public ReadOnlyMemory<byte> TransportParameters { get => _transportParameters; init => _transportParameters = value; }

    private ReadOnlyMemory<byte> _transportParameters;

    /// <summary>A copy of these options carrying <paramref name="transportParameters"/> (the connection sets them per connection).</summary>
    public TlsClientOptions WithTransportParameters(ReadOnlyMemory<byte> transportParameters)
    {
        var copy = (TlsClientOptions)MemberwiseClone();
        copy._transportParameters = transportParameters;
        return copy;
    }

    /// <summary>The wall clock for certificate validity only; the core reads no clock of its own.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> for any invalid setting.</summary>
    public void Validate()
    {
        TlsOptionsValidation.ValidateServerName(ServerName, nameof(ServerName));
        TlsOptionsValidation.ValidateApplicationProtocols(ApplicationProtocols, nameof(ApplicationProtocols));
        TlsOptionsValidation.ValidateCipherSuites(CipherSuites, nameof(CipherSuites));
        TlsOptionsValidation.ValidateGroups(KeyExchangeGroups, nameof(KeyExchangeGroups), allowEmpty: false);
        TlsOptionsValidation.ValidateGroups(KeyShareGroups, nameof(KeyShareGroups), allowEmpty: true);
        foreach (TlsNamedGroup group in KeyShareGroups)
        {
            if (!TlsOptionsValidation.Contains(KeyExchangeGroups, group))
            {
                throw TlsOptionsValidation.Invalid($"KeyShareGroups holds {TlsKeyShare.Describe(group)}, which KeyExchangeGroups does not offer.", nameof(KeyShareGroups));
            }
        }

        TlsOptionsValidation.ValidateSignatureSchemes(SignatureSchemes, nameof(SignatureSchemes));
        TlsOptionsValidation.ValidateRevocationMode(RevocationMode, nameof(RevocationMode));
        TlsOptionsValidation.ValidateTransportParameters(TransportParameters, nameof(TransportParameters));
        TlsOptionsValidation.ValidateTimeProvider(TimeProvider, nameof(TimeProvider));
    }
}
