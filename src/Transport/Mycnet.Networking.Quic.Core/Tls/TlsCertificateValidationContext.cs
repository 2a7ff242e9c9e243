using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// What a certificate validation hook sees: the peer's end-entity certificate, the chain that was
/// built (end entity first; the certificates the peer sent when no chain could be built), the policy
/// errors found and the alert the handshake fails with unless the hook accepts. The certificates
/// are disposed when the hook returns: copy what must outlive the call.
/// </summary>
internal sealed class TlsCertificateValidationContext
{
    public required X509Certificate2 Certificate { get; init; }

    public required IReadOnlyList<X509Certificate2> ChainElements { get; init; }

    /// <summary>Chain errors and, for a server certificate, a host-name mismatch.</summary>
    public required SslPolicyErrors PolicyErrors { get; init; }

    /// <summary>The union of the chain's status flags.</summary>
    public required X509ChainStatusFlags ChainStatus { get; init; }

    /// <summary>True when validating the server's certificate (at a client), false for a client certificate.</summary>
    public required bool IsServerCertificate { get; init; }

    /// <summary>The host the certificate must match (client side), or null.</summary>
    public string? TargetHost { get; init; }

    /// <summary>The alert and message the handshake fails with when the hook rejects, or null when validation found no error.</summary>
    public TlsAlert? FailureAlert { get; init; }

    public string? FailureMessage { get; init; }
}
