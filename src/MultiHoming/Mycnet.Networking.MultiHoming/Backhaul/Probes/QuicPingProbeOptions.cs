using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>Settings of the <see cref="BackhaulProbeNames.QuicPing"/> probe. The target must be a QUIC server that accepts the ALPN.</summary>
public sealed class QuicPingProbeOptions
{
    /// <summary>The application protocol (ALPN) offered to the target. Required.</summary>
    public SslApplicationProtocol ApplicationProtocol { get; init; }

    /// <summary>The name the target's certificate is checked against (and sent as SNI); null checks it against the target's IP address.</summary>
    public string? TargetHost { get; init; }

    /// <summary>The roots the target's certificate must chain to; null uses the system's trust store. Certificates are always validated.</summary>
    public X509Certificate2Collection? TrustedRootCertificates { get; init; }

    /// <summary>An optional hook over the validation result (see <see cref="QuicClientConnectionOptions.RemoteCertificateValidationCallback"/>).</summary>
    public QuicCertificateValidationCallback? RemoteCertificateValidationCallback { get; init; }

    /// <summary>How long a connection attempt may take; a probe waiting on it fails at its own timeout while the attempt goes on. Default 5 s.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The idle timeout of the probe connections. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (ApplicationProtocol.Protocol.IsEmpty)
        {
            throw BackhaulManagerOptions.Invalid("Probes.QuicPing.ApplicationProtocol is required.");
        }

        BackhaulManagerOptions.RequirePositive(HandshakeTimeout, "Probes.QuicPing.HandshakeTimeout");
        BackhaulManagerOptions.RequirePositive(IdleTimeout, "Probes.QuicPing.IdleTimeout");
    }
}
