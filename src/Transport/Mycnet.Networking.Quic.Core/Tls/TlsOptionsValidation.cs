using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>The checks and defaults shared by <see cref="TlsClientOptions"/> and <see cref="TlsServerOptions"/>.</summary>
internal static class TlsOptionsValidation
{
    /// <summary>The largest transport parameter block: it must fit an extension (2^16-1) with room for the rest of the message.</summary>
    public const int MaxTransportParametersLength = 16 * 1024;

    public static IReadOnlyList<CipherSuite> DefaultCipherSuites { get; } =
        [CipherSuite.Aes128GcmSha256, CipherSuite.Aes256GcmSha384, CipherSuite.ChaCha20Poly1305Sha256];

    public static IReadOnlyList<TlsNamedGroup> DefaultGroups { get; } = [TlsNamedGroup.Secp256r1, TlsNamedGroup.Secp384r1];

    public static void ValidateServerName(string? serverName, string paramName)
    {
        if (string.IsNullOrEmpty(serverName))
        {
            throw new ArgumentException("A server name (host name or IP address) is required: it is checked against the server certificate.", paramName);
        }

        if (IPAddress.TryParse(serverName, out _))
        {
            return;
        }

        if (serverName.Length > 253)
        {
            throw new ArgumentException($"The server name '{serverName}' is longer than 253 characters.", paramName);
        }

        foreach (string label in serverName.Split('.'))
        {
            if (label.Length is 0 or > 63)
            {
                throw new ArgumentException($"The server name '{serverName}' has an empty label or a label longer than 63 characters.", paramName);
            }

            foreach (char c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')
                {
                    throw new ArgumentException(
                        $"The server name '{serverName}' holds '{c}'; use an ASCII host name (an internationalized name as its punycode A-label) or an IP address.",
                        paramName);
                }
            }
        }
    }

    public static void ValidateApplicationProtocols(IReadOnlyList<string>? protocols, string paramName)
    {
        if (protocols is null || protocols.Count == 0)
        {
            throw new ArgumentException("At least one ALPN application protocol is required (RFC 9001 §8.1).", paramName);
        }

        int total = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string protocol in protocols)
        {
            int length = protocol is null ? 0 : Encoding.UTF8.GetByteCount(protocol);
            if (length is 0 or > 255)
            {
                throw new ArgumentException("Each ALPN protocol must be 1 to 255 UTF-8 bytes long.", paramName);
            }

            if (!seen.Add(protocol!))
            {
                throw new ArgumentException($"The ALPN protocol '{protocol}' is listed twice.", paramName);
            }

            total += length + 1;
        }

        if (total > ushort.MaxValue - 2)
        {
            throw new ArgumentException("The ALPN protocol list is too long to encode.", paramName);
        }
    }

    public static void ValidateCipherSuites(IReadOnlyList<CipherSuite>? suites, string paramName)
    {
        if (suites is null || suites.Count == 0)
        {
            throw new ArgumentException("At least one cipher suite is required.", paramName);
        }

        for (int i = 0; i < suites.Count; i++)
        {
            if (!CipherSuiteInfo.IsKnown((ushort)suites[i]))
            {
                throw new ArgumentException($"Cipher suite 0x{(ushort)suites[i]:x4} is not a TLS 1.3 suite QUIC v1 supports.", paramName);
            }

            for (int j = 0; j < i; j++)
            {
                if (suites[j] == suites[i])
                {
                    throw new ArgumentException($"Cipher suite {suites[i]} is listed twice.", paramName);
                }
            }
        }
    }

    public static void ValidateGroups(IReadOnlyList<TlsNamedGroup>? groups, string paramName, bool allowEmpty)
    {
        if (groups is null || (!allowEmpty && groups.Count == 0))
        {
            throw new ArgumentException("At least one key exchange group is required.", paramName);
        }

        for (int i = 0; i < groups.Count; i++)
        {
            if (!TlsKeyShare.IsSupported((ushort)groups[i]))
            {
                throw new ArgumentException(
                    $"Key exchange group {TlsKeyShare.Describe(groups[i])} is not implemented; use secp256r1 or secp384r1.", paramName);
            }

            for (int j = 0; j < i; j++)
            {
                if (groups[j] == groups[i])
                {
                    throw new ArgumentException($"Key exchange group {TlsKeyShare.Describe(groups[i])} is listed twice.", paramName);
                }
            }
        }
    }

    public static void ValidateSignatureSchemes(IReadOnlyList<TlsSignatureScheme>? schemes, string paramName)
    {
        if (schemes is null || schemes.Count == 0)
        {
            throw new ArgumentException("At least one signature scheme is required.", paramName);
        }

        for (int i = 0; i < schemes.Count; i++)
        {
            if (!TlsSignatures.IsImplemented((ushort)schemes[i]))
            {
                throw new ArgumentException(
                    $"Signature scheme {schemes[i]} is not implemented for CertificateVerify; use ECDSA P-256/P-384 or RSA-PSS (rsae) schemes.", paramName);
            }

            for (int j = 0; j < i; j++)
            {
                if (schemes[j] == schemes[i])
                {
                    throw new ArgumentException($"Signature scheme {schemes[i]} is listed twice.", paramName);
                }
            }
        }
    }

    public static void ValidateRevocationMode(X509RevocationMode mode, string paramName)
    {
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentException($"Revocation mode {(int)mode} is not defined.", paramName);
        }
    }

    public static void ValidateTransportParameters(ReadOnlyMemory<byte> parameters, string paramName)
    {
        if (parameters.Length > MaxTransportParametersLength)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The transport parameters are {parameters.Length} bytes; at most {MaxTransportParametersLength} are allowed."),
                paramName);
        }
    }

    public static void ValidateTimeProvider(TimeProvider? timeProvider, string paramName)
    {
        if (timeProvider is null)
        {
            throw new ArgumentException("A TimeProvider is required: it is the wall clock for certificate validity.", paramName);
        }
    }

    /// <summary>An <see cref="ArgumentException"/> naming the option at fault.</summary>
    public static ArgumentException Invalid(string message, string paramName) => new(message, paramName);

    public static bool Contains(IReadOnlyList<TlsNamedGroup> groups, TlsNamedGroup group)
    {
        foreach (TlsNamedGroup candidate in groups)
        {
            if (candidate == group)
            {
                return true;
            }
        }

        return false;
    }
}
