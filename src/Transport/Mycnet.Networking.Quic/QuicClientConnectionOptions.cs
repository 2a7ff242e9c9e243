using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Quic;

/// <summary>Settings of an outgoing connection (<see cref="QuicConnection.ConnectAsync"/>).</summary>
/// <remarks>
/// Certificate validation is always on: the server's chain must lead to <see cref="TrustedRootCertificates"/>
/// (or the system store) and match <see cref="TargetHost"/>, unless <see cref="RemoteCertificateValidationCallback"/>
/// decides otherwise.
/// </remarks>
public sealed class QuicClientConnectionOptions : QuicConnectionOptions
{
    /// <summary>
    /// Required: the server, an <see cref="IPEndPoint"/> or a <see cref="DnsEndPoint"/>. "localhost"
    /// resolves to the loopback address of <see cref="LocalEndPoint"/>'s family (IPv4 by default)
    /// without a lookup; other names go to the system resolver.
    /// </summary>
    public EndPoint? RemoteEndPoint { get; set; }

    /// <summary>The local address and port to bind; null binds an ephemeral port on the wildcard address of the server's family.</summary>
    public IPEndPoint? LocalEndPoint { get; set; }

    /// <summary>
    /// The name the server's certificate must match and that is sent as SNI (an IP address literal is
    /// matched against the certificate's IP addresses and not sent). Default: the host of a
    /// <see cref="DnsEndPoint"/>, or the address of an <see cref="IPEndPoint"/>.
    /// </summary>
    public string? TargetHost { get; set; }

    /// <summary>Required: the application protocols (ALPN, RFC 9001 §8.1) offered, in preference order.</summary>
    public List<SslApplicationProtocol> ApplicationProtocols { get; set; } = [];

    /// <summary>The roots the server's chain may lead to; null (the default) trusts the system store.</summary>
    public X509Certificate2Collection? TrustedRootCertificates { get; set; }

    /// <summary>Revocation checking of the server's chain. Default <see cref="X509RevocationMode.NoCheck"/>: the engine never downloads CRLs or OCSP responses.</summary>
    public X509RevocationMode CertificateRevocationCheckMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Called with the result of validating the server's certificate; returns true to accept. Null accepts exactly the certificates that validate.</summary>
    public QuicCertificateValidationCallback? RemoteCertificateValidationCallback { get; set; }

    /// <summary>The certificate (with its private key) presented when the server asks for one; null presents none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Intermediate certificates sent after <see cref="ClientCertificate"/>.</summary>
    public X509Certificate2Collection? ClientCertificateChain { get; set; }

    /// <summary>
    /// The engine that runs the connection. Default <see cref="QuicEngine.Managed"/>.
    /// <see cref="QuicEngine.MsQuic"/> needs libmsquic (<see cref="QuicConnection.IsEngineSupported"/>);
    /// <see cref="QuicConnectionOptions"/> says which settings it applies, ignores or refuses.
    /// </summary>
    public QuicEngine Engine { get; set; } = QuicEngine.Managed;

    /// <summary>Kernel batching of the connection's socket. Default <see cref="QuicUdpOffload.Auto"/>. Ignored by the msquic engine, which batches on its own.</summary>
    public QuicUdpOffload UdpOffload { get; set; } = QuicUdpOffload.Auto;

    /// <summary>
    /// Creates the connection's UDP socket instead of the SDK, given the address family: for a
    /// socket bound to a network device (SO_BINDTODEVICE) or created inside another network
    /// namespace, as a multi-homed host needs. The SDK then sets its options and binds it to
    /// <see cref="LocalEndPoint"/> (or an ephemeral port) unless it is already bound, and owns it.
    /// Default null: the SDK creates the socket. Managed engine only: set with the msquic engine, it
    /// is refused (<see cref="NotSupportedException"/>).
    /// </summary>
    public Func<System.Net.Sockets.AddressFamily, System.Net.Sockets.Socket>? SocketFactory { get; set; }

    /// <summary>A private copy, so changes after the call cannot affect the connection.</summary>
    internal QuicClientConnectionOptions Snapshot()
    {
        var copy = (QuicClientConnectionOptions)MemberwiseClone();
        copy.ApplicationProtocols = ApplicationProtocols is null ? null! : [.. ApplicationProtocols];
        return copy;
    }
}
