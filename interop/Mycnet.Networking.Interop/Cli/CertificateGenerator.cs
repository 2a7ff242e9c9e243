using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Interop.Cli;

/// <summary>
/// Writes a throw-away PKI for the interop runs with the BCL only: a CA (ECDSA P-256) and a server
/// certificate it signs for localhost, 127.0.0.1 and ::1 (serverAuth), as PEM files. Clients trust the
/// CA file; nothing disables certificate validation. The CA's private key is never written.
/// </summary>
internal static class CertificateGenerator
{
    /// <summary>File names written into the output directory.</summary>
    public const string CaFile = "ca.pem";
    public const string CertificateFile = "server.pem";
    public const string ChainFile = "server-chain.pem";
    public const string KeyFile = "server.key";

    public static void Write(string directory, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        Directory.CreateDirectory(directory);
        DateTimeOffset now = time.GetUtcNow();

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Mycnet Interop Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        serverRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(serverRequest.PublicKey, critical: false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 server = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(30), serial);

        string caPem = ca.ExportCertificatePem();
        string serverPem = server.ExportCertificatePem();
        File.WriteAllText(Path.Combine(directory, CaFile), caPem + "\n");
        File.WriteAllText(Path.Combine(directory, CertificateFile), serverPem + "\n");
        File.WriteAllText(Path.Combine(directory, ChainFile), serverPem + "\n" + caPem + "\n");
        string keyPath = Path.Combine(directory, KeyFile);
        File.WriteAllText(keyPath, serverKey.ExportPkcs8PrivateKeyPem() + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
