using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic;

/// <summary>Turns validated public options into the core's <see cref="TransportSettings"/> and TLS options.</summary>
internal static class QuicOptionsMapping
{
    /// <summary>The transport settings of a connection; <paramref name="maxSegmentsPerTransmit"/> is what the socket's GSO allows.</summary>
    public static TransportSettings ToTransportSettings(QuicConnectionOptions options, int maxSegmentsPerTransmit)
    {
        var settings = new TransportSettings
        {
            MaxIdleTimeout = options.IdleTimeout == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : options.IdleTimeout,
            KeepAliveInterval = options.KeepAliveInterval == Timeout.InfiniteTimeSpan ? null : options.KeepAliveInterval,
            HandshakeTimeout = options.HandshakeTimeout,
            InitialMaxData = options.InitialConnectionReceiveWindow,
            MaxConnectionReceiveWindow = options.MaxConnectionReceiveWindow,
            InitialMaxStreamData = options.InitialStreamReceiveWindow,
            MaxStreamReceiveWindow = options.MaxStreamReceiveWindow,
            MaxIncomingBidirectionalStreams = options.MaxInboundBidirectionalStreams,
            MaxIncomingUnidirectionalStreams = options.MaxInboundUnidirectionalStreams,
            MaxDatagramFrameSize = options.DatagramReceiveEnabled ? 65535 : 0,
            CongestionControl = options.CongestionControl == QuicCongestionControlAlgorithm.NewReno ? CongestionControlAlgorithm.NewReno : CongestionControlAlgorithm.Cubic,
            MaxSegmentsPerTransmit = Math.Clamp(maxSegmentsPerTransmit, 1, 64),
        };

        // With GSO a batch leaves the host back to back whatever the pacer says; letting the pacer
        // release a whole batch at once is what makes batching pay (RFC 9002 §7.7 allows a larger
        // burst limit than the initial window where the path absorbs it).
        settings.PacingBurstPackets = Math.Max(settings.PacingBurstPackets, settings.MaxSegmentsPerTransmit);
        settings.Validate();
        return settings;
    }

    public static TlsClientOptions ToTlsClientOptions(QuicClientConnectionOptions options, string targetHost, QuicConnection owner)
    {
        QuicCertificateValidationCallback? callback = options.RemoteCertificateValidationCallback;
        var tls = new TlsClientOptions
        {
            ServerName = targetHost,
            ApplicationProtocols = ToStrings(options.ApplicationProtocols),
            CipherSuites = ToCipherSuites(options.CipherSuites) ?? new TlsClientOptions().CipherSuites,
            TrustedRoots = options.TrustedRootCertificates,
            RevocationMode = options.CertificateRevocationCheckMode,
            CertificateValidationHook = callback is null ? null : context => Invoke(callback, owner, context),
            ClientCertificate = options.ClientCertificate is { } certificate ? new TlsCertificateCredential(certificate, ToList(options.ClientCertificateChain)) : null,
            TimeProvider = options.TimeProvider,
        };
        tls.Validate();
        return tls;
    }

    public static TlsServerOptions ToTlsServerOptions(QuicListenerOptions listener, QuicServerConnectionOptions options, Func<QuicConnection?> currentConnection)
    {
        QuicCertificateValidationCallback? callback = options.ClientCertificateValidationCallback;
        var tls = new TlsServerOptions
        {
            Certificate = new TlsCertificateCredential(options.ServerCertificate!, ToList(options.ServerCertificateChain)),
            ApplicationProtocols = ToStrings(listener.ApplicationProtocols),
            CipherSuites = ToCipherSuites(options.CipherSuites) ?? new TlsServerOptions().CipherSuites,
            ClientCertificateMode = options.ClientCertificateRequired ? TlsClientCertificateMode.Required : TlsClientCertificateMode.None,
            ClientCertificateTrustedRoots = options.TrustedClientRootCertificates,
            RevocationMode = options.CertificateRevocationCheckMode,
            ClientCertificateValidationHook = callback is null ? null : context => currentConnection() is { } connection && Invoke(callback, connection, context),
            TimeProvider = options.TimeProvider,
        };
        tls.Validate();
        return tls;
    }

    private static bool Invoke(QuicCertificateValidationCallback callback, QuicConnection connection, TlsCertificateValidationContext context) =>
        InvokeValidationCallback(callback, connection, context.Certificate, context.ChainElements, context.PolicyErrors);

    /// <summary>Runs the application's certificate validation callback; one that throws rejects the certificate. Both engines use it.</summary>
    internal static bool InvokeValidationCallback(
        QuicCertificateValidationCallback callback,
        QuicConnection connection,
        X509Certificate2 certificate,
        IReadOnlyList<X509Certificate2> chain,
        SslPolicyErrors errors)
    {
        try
        {
            return callback(connection, certificate, chain, errors);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A throwing callback rejects the certificate; the handshake fails with a TLS alert.
            System.Diagnostics.Trace.TraceWarning($"The certificate validation callback threw {e.GetType().Name}: {e.Message}. The certificate is rejected.");
            return false;
        }
    }

    private static string[] ToStrings(List<SslApplicationProtocol> protocols)
    {
        var names = new string[protocols.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = Encoding.UTF8.GetString(protocols[i].Protocol.Span);
        }

        return names;
    }

    private static CipherSuite[]? ToCipherSuites(IReadOnlyList<TlsCipherSuite>? suites)
    {
        if (suites is null)
        {
            return null;
        }

        var mapped = new CipherSuite[suites.Count];
        for (int i = 0; i < mapped.Length; i++)
        {
            mapped[i] = (CipherSuite)(ushort)suites[i];
        }

        return mapped;
    }

    private static X509Certificate2[] ToList(X509Certificate2Collection? collection) => collection is null ? [] : [.. collection];
}
