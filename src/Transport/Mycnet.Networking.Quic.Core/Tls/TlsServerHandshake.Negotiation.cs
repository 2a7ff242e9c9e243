using System.Text;
using Mycnet.Networking.Quic.Core.Crypto;

namespace Mycnet.Networking.Quic.Core.Tls;

/// <summary>
/// How the server negotiates from a ClientHello (RFC 9846 §4.2.1): TLS 1.3 only; cipher suite, ALPN
/// and group by server preference; signature scheme by client preference among those the selected
/// certificate's key can make. Missing mandatory extensions fail with missing_extension (RFC 9846 §9.2,
/// RFC 9001 §8.2), a missing or disjoint ALPN with no_application_protocol (RFC 9001 §8.1), and no
/// common suite, group or scheme with handshake_failure. A share the server cannot use, for a client
/// that supports one of its groups, yields a negotiation without <see cref="Negotiation.PeerShare"/>:
/// a HelloRetryRequest.
/// </summary>
internal sealed partial class TlsServerHandshake
{
    /// <summary>Peer-supplied lists in alert messages are cut after this many entries.</summary>
    private const int MaxListedInMessages = 8;

    private Negotiation Negotiate(ClientHelloMessage hello)
    {
        if (hello.SupportedVersions is null || !Contains(hello.SupportedVersions, ClientHelloMessage.Tls13Version))
        {
            throw new TlsAlertException(TlsAlert.ProtocolVersion, "The client does not offer TLS 1.3, which QUIC requires (RFC 9001 §4.2).");
        }

        if (hello.LegacySessionId.Length != 0)
        {
            throw TlsAlertException.Illegal("The ClientHello has a non-empty legacy_session_id: middlebox compatibility mode is forbidden in QUIC (RFC 9001 §8.4).");
        }

        if (hello.ApplicationProtocols is null)
        {
            throw new TlsAlertException(TlsAlert.NoApplicationProtocol, "The client offers no application protocol; QUIC requires ALPN (RFC 9001 §8.1).");
        }

        if (hello.TransportParameters is null)
        {
            throw new TlsAlertException(TlsAlert.MissingExtension, "The ClientHello has no quic_transport_parameters extension (RFC 9001 §8.2).");
        }

        IReadOnlyList<ushort> signatureAlgorithms = hello.SignatureAlgorithms
            ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The ClientHello has no signature_algorithms extension.");
        IReadOnlyList<ushort> supportedGroups = hello.SupportedGroups
            ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The ClientHello has no supported_groups extension.");
        IReadOnlyList<KeyShareEntry> shares = hello.KeyShares
            ?? throw new TlsAlertException(TlsAlert.MissingExtension, "The ClientHello has no key_share extension.");

        CipherSuite? suite = null;
        foreach (CipherSuite candidate in _options.CipherSuites)
        {
            if (suite is null && Contains(hello.CipherSuites, (ushort)candidate))
            {
                suite = candidate;
            }
        }

        if (suite is null)
        {
            throw new TlsAlertException(TlsAlert.HandshakeFailure, "The client offers no cipher suite this server accepts.");
        }

        int protocolIndex = -1;
        for (int i = 0; i < _protocols.Count && protocolIndex < 0; i++)
        {
            foreach (byte[] offered in hello.ApplicationProtocols)
            {
                if (offered.AsSpan().SequenceEqual(_protocols[i]))
                {
                    protocolIndex = i;
                    break;
                }
            }
        }

        if (protocolIndex < 0)
        {
            throw new TlsAlertException(
                TlsAlert.NoApplicationProtocol,
                $"The client offers application protocols {DescribeProtocols(hello.ApplicationProtocols)}; this server speaks {string.Join(", ", _options.ApplicationProtocols)}.");
        }

        TlsCertificateCredential credential = SelectCredential(hello.ServerName);
        ushort scheme = TlsSignatures.Select(signatureAlgorithms, _options.SignatureSchemes, credential.KeyKind)
            ?? throw new TlsAlertException(
                TlsAlert.HandshakeFailure,
                $"The client accepts no signature scheme this server can sign with its {TlsSignatures.Describe(credential.KeyKind)} certificate key.");

        // A set keeps this linear: a 64 KiB ClientHello can list thousands of groups and shares.
        var listedGroups = new HashSet<ushort>(supportedGroups);
        foreach (KeyShareEntry share in shares)
        {
            // RFC 9846 §4.3.8: shares only for groups listed in supported_groups.
            if (!listedGroups.Contains(share.Group))
            {
                throw TlsAlertException.Illegal($"The ClientHello has a key share for {TlsKeyShare.Describe((TlsNamedGroup)share.Group)}, which its supported_groups does not list.");
            }
        }

        foreach (TlsNamedGroup group in _options.KeyExchangeGroups)
        {
            foreach (KeyShareEntry share in shares)
            {
                if (share.Group == (ushort)group)
                {
                    return new Negotiation(suite.Value, group, share.KeyExchange, _options.ApplicationProtocols[protocolIndex], protocolIndex, credential, scheme);
                }
            }
        }

        foreach (TlsNamedGroup group in _options.KeyExchangeGroups)
        {
            if (listedGroups.Contains((ushort)group))
            {
                return new Negotiation(suite.Value, group, null, _options.ApplicationProtocols[protocolIndex], protocolIndex, credential, scheme);
            }
        }

        throw new TlsAlertException(
            TlsAlert.HandshakeFailure,
            $"No common key exchange group: the client supports {DescribeGroups(supportedGroups)}; this server supports {DescribeGroups(_options.KeyExchangeGroups)}.");
    }

    private TlsCertificateCredential SelectCredential(string? serverName)
    {
        TlsCertificateCredential? credential = null;
        if (_options.CertificateSelector is { } selector)
        {
            try
            {
                credential = selector(serverName);
            }
            catch (Exception e) when (e is not TlsAlertException)
            {
                throw new TlsAlertException(TlsAlert.InternalError, $"The certificate selector threw {e.GetType().Name}: {e.Message}", e);
            }
        }

        credential ??= _options.Certificate;
        if (credential is null)
        {
            throw serverName is null
                ? new TlsAlertException(TlsAlert.HandshakeFailure, "No certificate is configured for clients that send no server name.")
                : new TlsAlertException(TlsAlert.UnrecognizedName, $"No certificate is configured for server name '{serverName}'.");
        }

        return credential;
    }

    private static bool Contains(IReadOnlyList<ushort> values, ushort value)
    {
        foreach (ushort candidate in values)
        {
            if (candidate == value)
            {
                return true;
            }
        }

        return false;
    }

    private static string DescribeGroups(IReadOnlyList<ushort> groups)
    {
        var names = new List<string>(Math.Min(groups.Count, MaxListedInMessages));
        foreach (ushort group in groups)
        {
            if (names.Count == MaxListedInMessages)
            {
                names.Add($"... ({groups.Count} in all)");
                break;
            }

            names.Add(TlsKeyShare.Describe((TlsNamedGroup)group));
        }

        return string.Join(", ", names);
    }

    private static string DescribeGroups(IReadOnlyList<TlsNamedGroup> groups)
    {
        var names = new List<string>(groups.Count);
        foreach (TlsNamedGroup group in groups)
        {
            names.Add(TlsKeyShare.Describe(group));
        }

        return string.Join(", ", names);
    }

    private static string DescribeProtocols(IReadOnlyList<byte[]> protocols)
    {
        var names = new List<string>(Math.Min(protocols.Count, MaxListedInMessages));
        foreach (byte[] protocol in protocols)
        {
            if (names.Count == MaxListedInMessages)
            {
                names.Add($"... ({protocols.Count} in all)");
                break;
            }

            names.Add($"'{Encoding.UTF8.GetString(protocol)}'");
        }

        return string.Join(", ", names);
    }

    /// <summary>The outcome of negotiating one ClientHello; no <see cref="PeerShare"/> means a HelloRetryRequest for <see cref="Group"/>.</summary>
    private readonly record struct Negotiation(
        CipherSuite Suite,
        TlsNamedGroup Group,
        byte[]? PeerShare,
        string Protocol,
        int ProtocolIndex,
        TlsCertificateCredential Credential,
        ushort SignatureScheme);
}
