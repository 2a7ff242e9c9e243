using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mycnet.Networking.Demo;

/// <summary>A throwaway root CA and a localhost server certificate it signs, made at start-up (nothing touches the system store).</summary>
internal sealed class DemoCertificates : IDisposable
{
    public DemoCertificates()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=Mycnet Demo Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, 0, critical: true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, critical: true));
        Root = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=localhost", leafKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        byte[] serial = RandomNumberGenerator.GetBytes(8);
        using X509Certificate2 signed = leafRequest.Create(Root, now.AddMinutes(-5), now.AddDays(1), serial);
        Server = signed.CopyWithPrivateKey(leafKey);
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Server { get; }

    public void Dispose()
    {
        Root.Dispose();
        Server.Dispose();
    }
}
