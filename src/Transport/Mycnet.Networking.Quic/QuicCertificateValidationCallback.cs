using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic;

/// <summary>
/// Decides whether to accept the peer's certificate. Called during the handshake, on the
/// connection's worker, with the result of the engine's own validation (chain to the configured
/// roots, validity at <see cref="QuicConnectionOptions.TimeProvider"/>'s time, and for a server
/// certificate the host name); returns true to accept. The certificates are disposed when the
/// callback returns: copy what must outlive the call. The callback must not block on the connection.
/// </summary>
/// <param name="connection">The connection being established.</param>
/// <param name="certificate">The peer's end-entity certificate.</param>
/// <param name="chain">The chain that was built, end entity first (the certificates the peer sent when none could be built).</param>
/// <param name="sslPolicyErrors">What the engine's validation found; <see cref="SslPolicyErrors.None"/> when the certificate is good.</param>
public delegate bool QuicCertificateValidationCallback(
    QuicConnection connection,
    X509Certificate2 certificate,
    IReadOnlyList<X509Certificate2> chain,
    SslPolicyErrors sslPolicyErrors);
