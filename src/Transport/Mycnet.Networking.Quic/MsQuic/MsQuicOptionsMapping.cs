using System.Net;
using System.Net.Security;
using System.Runtime.Versioning;
using System.Security.Cryptography.X509Certificates;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// Turns validated SDK options into System.Net.Quic's, keeping the SDK's meaning: certificate
/// validation on by default against <c>TrustedRootCertificates</c> (or the system store) with the
/// caller's callback deciding last, the same timeouts, stream limits, initial windows and error codes.
/// </summary>
/// <remarks>
/// <para>What has a System.Net.Quic counterpart is passed on: ALPN, target host, certificates and
/// their chains, trusted roots (an <see cref="X509ChainPolicy"/> with custom root trust), revocation
/// mode, cipher suites (as a set: msquic does not take a preference order), idle timeout,
/// keep-alive, handshake timeout, stream limits, initial receive windows, default error codes.
/// Chains are built without downloading anything (no AIA fetches), as on the managed engine.</para>
/// <para>What has none is tuning and is not applied (see <see cref="QuicOptionsValidation"/> for the
/// options that are refused instead): maximum receive windows (msquic tunes its own), UDP offload
/// (msquic batches on its own), <c>DatagramReceiveEnabled</c> (the engine never advertises
/// datagram support), qlog and key-log files, logger and meter factories.</para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal static class MsQuicOptionsMapping
{
    /// <summary>The System.Net.Quic options of one outgoing connection; <paramref name="owner"/> is what the validation callback receives.</summary>
    public static NetQuic.QuicClientConnectionOptions ToClientOptions(QuicClientConnectionOptions options, IPEndPoint remote, string targetHost, QuicConnection owner)
    {
        QuicCertificateValidationCallback? callback = options.RemoteCertificateValidationCallback;
        var authentication = new SslClientAuthenticationOptions
        {
            ApplicationProtocols = [.. options.ApplicationProtocols],
            TargetHost = targetHost,
            CertificateRevocationCheckMode = options.CertificateRevocationCheckMode,
            CertificateChainPolicy = ChainPolicy(options.TrustedRootCertificates, options.CertificateRevocationCheckMode),
            ClientCertificateContext = options.ClientCertificate is { } certificate
                ? SslStreamCertificateContext.Create(certificate, options.ClientCertificateChain, offline: true)
                : null,
            CipherSuitesPolicy = ToCipherSuitesPolicy(options.CipherSuites),
            RemoteCertificateValidationCallback = callback is null
                ? null
                : (_, certificate, chain, errors) => Validate(callback, owner, certificate, chain, errors),
        };
        var mapped = new NetQuic.QuicClientConnectionOptions
        {
            ClientAuthenticationOptions = authentication,
            RemoteEndPoint = remote,
            LocalEndPoint = options.LocalEndPoint,
        };
        ApplyShared(options, mapped);
        return mapped;
    }

    /// <summary>
    /// The System.Net.Quic options of one incoming connection. Made per connection: System.Net.Quic
    /// adds the client's intermediates to the chain policy it is given, which must not be shared.
    /// </summary>
    public static NetQuic.QuicServerConnectionOptions ToServerOptions(QuicListenerOptions listener, SslStreamCertificateContext certificate, QuicConnection owner)
    {
        QuicServerConnectionOptions options = listener.ConnectionOptions!;
        QuicCertificateValidationCallback? callback = options.ClientCertificateValidationCallback;
        var authentication = new SslServerAuthenticationOptions
        {
            ApplicationProtocols = [.. listener.ApplicationProtocols],
            ServerCertificateContext = certificate,
            ClientCertificateRequired = options.ClientCertificateRequired,
            CertificateRevocationCheckMode = options.CertificateRevocationCheckMode,
            CertificateChainPolicy = ChainPolicy(options.TrustedClientRootCertificates, options.CertificateRevocationCheckMode),
            CipherSuitesPolicy = ToCipherSuitesPolicy(options.CipherSuites),

            // System.Net.Quic matches a client's certificate against the SNI the client sent; a
            // server does not name its clients (neither SslStream nor the managed engine checks), so
            // that finding is dropped before the SDK's policy decides.
            RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                errors &= ~SslPolicyErrors.RemoteCertificateNameMismatch;
                return callback is null ? errors == SslPolicyErrors.None : Validate(callback, owner, certificate, chain, errors);
            },
        };
        var mapped = new NetQuic.QuicServerConnectionOptions { ServerAuthenticationOptions = authentication };
        ApplyShared(options, mapped);
        return mapped;
    }

    /// <summary>The server's certificate with its intermediates, built once per listener.</summary>
    public static SslStreamCertificateContext ServerCertificate(QuicServerConnectionOptions options) =>
        SslStreamCertificateContext.Create(options.ServerCertificate!, options.ServerCertificateChain, offline: true);

    private static void ApplyShared(QuicConnectionOptions options, NetQuic.QuicConnectionOptions mapped)
    {
        // The SDK's infinite timeouts are System.Net.Quic's too (msquic's 0: disabled).
        mapped.DefaultStreamErrorCode = options.DefaultStreamErrorCode;
        mapped.DefaultCloseErrorCode = options.DefaultCloseErrorCode;
        mapped.IdleTimeout = options.IdleTimeout;
        mapped.KeepAliveInterval = options.KeepAliveInterval;
        mapped.HandshakeTimeout = options.HandshakeTimeout;
        mapped.MaxInboundBidirectionalStreams = options.MaxInboundBidirectionalStreams;
        mapped.MaxInboundUnidirectionalStreams = options.MaxInboundUnidirectionalStreams;

        // Validated as powers of two that fit an int (msquic's rule) for this engine.
        int stream = (int)options.InitialStreamReceiveWindow;
        mapped.InitialReceiveWindowSizes = new NetQuic.QuicReceiveWindowSizes
        {
            Connection = (int)options.InitialConnectionReceiveWindow,
            LocallyInitiatedBidirectionalStream = stream,
            RemotelyInitiatedBidirectionalStream = stream,
            UnidirectionalStream = stream,
        };
    }

    /// <summary>
    /// The chain policy of the peer's certificate: the given roots (or the system store), the
    /// revocation mode, and no downloads of missing intermediates or revocation data.
    /// </summary>
    private static X509ChainPolicy ChainPolicy(X509Certificate2Collection? trustedRoots, X509RevocationMode revocationMode)
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = revocationMode,
            RevocationFlag = X509RevocationFlag.ExcludeRoot,
            DisableCertificateDownloads = true,
            TrustMode = trustedRoots is null ? X509ChainTrustMode.System : X509ChainTrustMode.CustomRootTrust,
        };
        if (trustedRoots is not null)
        {
            policy.CustomTrustStore.AddRange(trustedRoots);
        }

        return policy;
    }

    private static CipherSuitesPolicy? ToCipherSuitesPolicy(IReadOnlyList<TlsCipherSuite>? suites)
    {
        // Refused by validation on Windows, where System.Net.Quic cannot restrict the suites.
        if (suites is null || OperatingSystem.IsWindows())
        {
            return null;
        }

        return new CipherSuitesPolicy(suites);
    }

    /// <summary>System.Net.Quic's validation result, handed to the SDK's callback in the SDK's shape.</summary>
    private static bool Validate(QuicCertificateValidationCallback callback, QuicConnection owner, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is not X509Certificate2 leaf)
        {
            // No certificate (a client that sent none where none is required): nothing to decide.
            return errors == SslPolicyErrors.None;
        }

        X509Certificate2[] elements;
        if (chain is { ChainElements.Count: > 0 })
        {
            elements = new X509Certificate2[chain.ChainElements.Count];
            for (int i = 0; i < elements.Length; i++)
            {
                elements[i] = chain.ChainElements[i].Certificate;
            }
        }
        else
        {
            elements = [leaf];
        }

        return QuicOptionsMapping.InvokeValidationCallback(callback, owner, leaf, elements, errors);
    }
}
