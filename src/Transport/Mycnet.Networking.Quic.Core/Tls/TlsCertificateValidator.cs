using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>How a peer certificate is validated: trust, revocation, the hook and the wall clock.</summary>
internal readonly record struct TlsCertificatePolicy(
    X509Certificate2Collection? TrustedRoots,
    X509RevocationMode RevocationMode,
    Func<TlsCertificateValidationContext, bool>? Hook,
    TimeProvider TimeProvider);

/// <summary>
/// Validates a peer's certificate chain (RFC 9846 §4.5.1 "Receiving a Certificate Message", RFC 9001
/// §4.4): an <see cref="X509Chain"/> built at the injected wall-clock time with the configured trust
/// (system store, or only the given roots), the peer's other certificates as extra store, the
/// serverAuth/clientAuth usage, no certificate downloads (the core does no I/O) and the configured
/// revocation mode; then, for a server, the host name against the SANs (DNS with wildcards, or IP
/// address; never the common name). The hook sees every result and alone can accept a failing chain
/// or reject a good one. Failures map to certificate_expired, certificate_revoked, unknown_ca,
/// unsupported_certificate or bad_certificate, each with a message that names the problem.
/// </summary>
internal static class TlsCertificateValidator
{
    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";

    public static void Validate(
        X509Certificate2 leaf,
        IReadOnlyList<X509Certificate2> peerIntermediates,
        TlsCertificatePolicy policy,
        bool isServerCertificate,
        string? targetHost)
    {
        string role = isServerCertificate ? "server" : "client";
        DateTimeOffset now = policy.TimeProvider.GetUtcNow();
        using var chain = new X509Chain();
        X509ChainPolicy chainPolicy = chain.ChainPolicy;
        chainPolicy.RevocationMode = policy.RevocationMode;
        chainPolicy.RevocationFlag = X509RevocationFlag.ExcludeRoot;
        chainPolicy.DisableCertificateDownloads = true;
        chainPolicy.VerificationTime = now.UtcDateTime;
        chainPolicy.ApplicationPolicy.Add(new Oid(isServerCertificate ? ServerAuthOid : ClientAuthOid));
        if (policy.TrustedRoots is not null)
        {
            chainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chainPolicy.CustomTrustStore.AddRange(policy.TrustedRoots);
        }

        foreach (X509Certificate2 intermediate in peerIntermediates)
        {
            chainPolicy.ExtraStore.Add(intermediate);
        }

        bool built;
        try
        {
            built = chain.Build(leaf);
        }
        catch (CryptographicException e)
        {
            throw new TlsAlertException(TlsAlert.BadCertificate, $"The {role} certificate chain could not be evaluated: {e.Message}", e);
        }

        X509ChainStatusFlags flags = X509ChainStatusFlags.NoError;
        foreach (X509ChainStatus status in chain.ChainStatus)
        {
            flags |= status.Status;
        }

        var elements = new List<X509Certificate2>(chain.ChainElements.Count);
        foreach (X509ChainElement element in chain.ChainElements)
        {
            elements.Add(element.Certificate);
        }

        try
        {
            (TlsAlert Alert, string Message)? failure = null;
            SslPolicyErrors errors = SslPolicyErrors.None;
            if (!built || flags != X509ChainStatusFlags.NoError)
            {
                errors |= SslPolicyErrors.RemoteCertificateChainErrors;
                failure = DescribeChainFailure(leaf, chain, flags, role, now);
            }

            if (isServerCertificate && targetHost is not null && !leaf.MatchesHostname(targetHost, allowWildcards: true, allowCommonName: false))
            {
                errors |= SslPolicyErrors.RemoteCertificateNameMismatch;
                failure ??= (TlsAlert.BadCertificate, $"The server certificate does not match host '{targetHost}'.");
            }

            if (policy.Hook is { } hook)
            {
                var context = new TlsCertificateValidationContext
                {
                    Certificate = leaf,
                    ChainElements = elements.Count > 0 ? elements : [leaf, .. peerIntermediates],
                    PolicyErrors = errors,
                    ChainStatus = flags,
                    IsServerCertificate = isServerCertificate,
                    TargetHost = targetHost,
                    FailureAlert = failure?.Alert,
                    FailureMessage = failure?.Message,
                };
                bool accepted;
                try
                {
                    accepted = hook(context);
                }
                catch (Exception e) when (e is not TlsAlertException)
                {
                    throw new TlsAlertException(TlsAlert.InternalError, $"The {role} certificate validation hook threw {e.GetType().Name}: {e.Message}", e);
                }

                if (accepted)
                {
                    return;
                }

                failure ??= (TlsAlert.BadCertificate, $"The {role} certificate was rejected by the validation hook.");
            }

            if (failure is { } f)
            {
                throw new TlsAlertException(f.Alert, f.Message);
            }
        }
        finally
        {
            foreach (X509Certificate2 element in elements)
            {
                element.Dispose();
            }
        }
    }

    private static (TlsAlert, string) DescribeChainFailure(X509Certificate2 leaf, X509Chain chain, X509ChainStatusFlags flags, string role, DateTimeOffset now)
    {
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            DateTime utcNow = now.UtcDateTime;
            if (utcNow > leaf.NotAfter.ToUniversalTime())
            {
                return (TlsAlert.CertificateExpired, $"The {role} certificate has expired (NotAfter {Format(leaf.NotAfter)}).");
            }

            if (utcNow < leaf.NotBefore.ToUniversalTime())
            {
                return (TlsAlert.CertificateExpired, $"The {role} certificate is not yet valid (NotBefore {Format(leaf.NotBefore)}).");
            }

            X509Certificate2? issuer = FindElement(chain, X509ChainStatusFlags.NotTimeValid);
            return (TlsAlert.CertificateExpired, issuer is null
                ? $"A certificate in the {role}'s chain is outside its validity period."
                : $"The certificate '{issuer.Subject}' in the {role}'s chain is outside its validity period (NotBefore {Format(issuer.NotBefore)}, NotAfter {Format(issuer.NotAfter)}).");
        }

        if ((flags & X509ChainStatusFlags.Revoked) != 0)
        {
            X509Certificate2? revoked = FindElement(chain, X509ChainStatusFlags.Revoked);
            return (TlsAlert.CertificateRevoked, $"The certificate '{(revoked ?? leaf).Subject}' in the {role}'s chain has been revoked.");
        }

        if ((flags & X509ChainStatusFlags.UntrustedRoot) != 0)
        {
            X509ChainElementCollection elements = chain.ChainElements;
            string top = elements.Count > 0 ? elements[^1].Certificate.Subject : leaf.Issuer;
            return (TlsAlert.UnknownCa, $"The {role} certificate is not trusted: its chain ends at '{top}', which is not a trusted root.");
        }

        if ((flags & X509ChainStatusFlags.PartialChain) != 0)
        {
            X509ChainElementCollection elements = chain.ChainElements;
            string issuer = elements.Count > 0 ? elements[^1].Certificate.Issuer : leaf.Issuer;
            return (TlsAlert.UnknownCa, $"The {role} certificate is not trusted: no chain to a trusted root could be built (issuer '{issuer}' is unknown; was an intermediate omitted?).");
        }

        if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
        {
            return (TlsAlert.UnsupportedCertificate, $"The {role} certificate is not valid for {role} authentication (its extended key usage does not allow it).");
        }

        if ((flags & (X509ChainStatusFlags.RevocationStatusUnknown | X509ChainStatusFlags.OfflineRevocation)) != 0)
        {
            return (TlsAlert.CertificateUnknown, $"The revocation status of the {role} certificate chain could not be determined.");
        }

        return (TlsAlert.BadCertificate, $"The {role} certificate chain is invalid ({flags}).");
    }

    private static X509Certificate2? FindElement(X509Chain chain, X509ChainStatusFlags flag)
    {
        foreach (X509ChainElement element in chain.ChainElements)
        {
            foreach (X509ChainStatus status in element.ChainElementStatus)
            {
                if ((status.Status & flag) != 0)
                {
                    return element.Certificate;
                }
            }
        }

        return null;
    }

    private static string Format(DateTime time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
