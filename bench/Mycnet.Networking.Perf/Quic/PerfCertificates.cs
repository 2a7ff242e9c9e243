using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// A throwaway root and a server certificate it signs, for localhost, 127.0.0.1 and ::1 (ECDSA
/// P-256, like most QUIC servers). Made in memory at start-up; nothing touches the system store.
/// </summary>
internal sealed class PerfCertificates : IDisposable
{
    public PerfCertificates()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Mycnet Perf Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        Root = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using X509Certificate2 signed = serverRequest.Create(Root, now.AddMinutes(-5), now.AddDays(2), RandomNumberGenerator.GetBytes(8));
        Server = signed.CopyWithPrivateKey(serverKey);
    }

    /// <summary>The root clients trust (public part only).</summary>
    public X509Certificate2 Root { get; }

    /// <summary>The server's certificate with its private key.</summary>
    public X509Certificate2 Server { get; }

    /// <summary>
    /// Writes PEM files for other QUIC servers (ngtcp2's gtlsserver): key.pem, cert.pem (the server
    /// certificate alone, as this SDK's server sends it: the same handshake size), root.pem and
    /// chain.pem (server certificate, then root).
    /// </summary>
    public void WritePem(string directory)
    {
        Directory.CreateDirectory(directory);
        using ECDsa key = Server.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The server certificate has no ECDSA key.");
        File.WriteAllText(Path.Combine(directory, "key.pem"), key.ExportPkcs8PrivateKeyPem() + "\n");
        File.WriteAllText(Path.Combine(directory, "cert.pem"), Server.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "root.pem"), Root.ExportCertificatePem() + "\n");
        File.WriteAllText(Path.Combine(directory, "chain.pem"), Server.ExportCertificatePem() + "\n" + Root.ExportCertificatePem() + "\n");
    }

    public void Dispose()
    {
        Root.Dispose();
        Server.Dispose();
    }
}
