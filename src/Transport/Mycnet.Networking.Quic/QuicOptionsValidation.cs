using System.Net;
using System.Net.Security;
using System.Text;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic;

/// <summary>
/// The one place options are checked. Each check throws <see cref="ArgumentException"/> (or a
/// subclass) whose parameter name is the property at fault and whose message says what is allowed.
/// Called on a private copy of the caller's options, so later changes cannot bypass it.
/// </summary>
/// <remarks>
/// The msquic engine's own limits are checked here too: a value it cannot take (a stream limit
/// above 65535, a window that is not a power of two) is an <see cref="ArgumentOutOfRangeException"/>;
/// a setting only the managed engine honours, asked for explicitly, is a
/// <see cref="NotSupportedException"/> naming the property and the engine that has it.
/// </remarks>
internal static class QuicOptionsValidation
{
    private const int MaxStreamLimit = 1 << 24;

    /// <summary>msquic's stream limits are 16-bit.</summary>
    private const int MsQuicMaxStreamLimit = ushort.MaxValue;

    /// <summary>System.Net.Quic takes receive windows as powers of two in an int.</summary>
    private const long MsQuicMaxWindow = 1 << 30;

    public static void Validate(QuicClientConnectionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ValidateShared(options);
        switch (options.RemoteEndPoint)
        {
            case null:
                throw Null(nameof(QuicClientConnectionOptions.RemoteEndPoint), "RemoteEndPoint is required: the server's IPEndPoint or DnsEndPoint.");
            case IPEndPoint ip when ip.Port == 0:
                throw Invalid(nameof(QuicClientConnectionOptions.RemoteEndPoint), "RemoteEndPoint needs a port (1-65535).");
            case DnsEndPoint dns when dns.Port == 0 || string.IsNullOrWhiteSpace(dns.Host):
                throw Invalid(nameof(QuicClientConnectionOptions.RemoteEndPoint), "RemoteEndPoint needs a host name and a port (1-65535).");
            case IPEndPoint or DnsEndPoint:
                break;
            default:
                throw Invalid(nameof(QuicClientConnectionOptions.RemoteEndPoint), $"RemoteEndPoint must be an IPEndPoint or a DnsEndPoint, not {options.RemoteEndPoint.GetType().Name}.");
        }

        if (options.TargetHost is not null && string.IsNullOrWhiteSpace(options.TargetHost))
        {
            throw Invalid(nameof(QuicClientConnectionOptions.TargetHost), "TargetHost must be null (derived from RemoteEndPoint) or a host name.");
        }

        ValidateApplicationProtocols(options.ApplicationProtocols, nameof(QuicClientConnectionOptions.ApplicationProtocols));
        ValidateOffload(options.UdpOffload);
        ValidateEngine(options.Engine);
        if (options.Engine == QuicEngine.MsQuic)
        {
            ValidateForMsQuic(options);
            if (options.SocketFactory is not null)
            {
                throw ManagedOnly(nameof(QuicClientConnectionOptions.SocketFactory), "a socket of the application's making (msquic creates its own sockets)");
            }
        }

        if (!Enum.IsDefined(options.CertificateRevocationCheckMode))
        {
            throw OutOfRange(nameof(QuicClientConnectionOptions.CertificateRevocationCheckMode), options.CertificateRevocationCheckMode, "Not a defined revocation mode.");
        }

        if (options.ClientCertificate is { HasPrivateKey: false })
        {
            throw Invalid(nameof(QuicClientConnectionOptions.ClientCertificate), "ClientCertificate must carry its private key.");
        }
    }

    public static void Validate(QuicListenerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ListenEndPoint is null)
        {
            throw Null(nameof(QuicListenerOptions.ListenEndPoint), "ListenEndPoint is required (IPAddress.IPv6Any listens on IPv6 and IPv4).");
        }

        ValidateApplicationProtocols(options.ApplicationProtocols, nameof(QuicListenerOptions.ApplicationProtocols));
        if (options.ListenBacklog < 1)
        {
            throw OutOfRange(nameof(QuicListenerOptions.ListenBacklog), options.ListenBacklog, "ListenBacklog must be at least 1.");
        }

        ValidateOffload(options.UdpOffload);
        ValidateEngine(options.Engine);
        QuicServerConnectionOptions server = options.ConnectionOptions
            ?? throw Null(nameof(QuicListenerOptions.ConnectionOptions), "ConnectionOptions is required: the settings of accepted connections.");
        ValidateShared(server);
        if (options.Engine == QuicEngine.MsQuic)
        {
            ValidateForMsQuic(server);
            if (options.RequireRetry)
            {
                throw ManagedOnly(nameof(QuicListenerOptions.RequireRetry), "Retry on every connection (System.Net.Quic cannot ask msquic for it)");
            }
        }

        if (server.ServerCertificate is null)
        {
            throw Null(nameof(QuicServerConnectionOptions.ServerCertificate), "ConnectionOptions.ServerCertificate is required.");
        }

        if (!server.ServerCertificate.HasPrivateKey)
        {
            throw Invalid(nameof(QuicServerConnectionOptions.ServerCertificate), "ConnectionOptions.ServerCertificate must carry its private key.");
        }

        if (!Enum.IsDefined(server.CertificateRevocationCheckMode))
        {
            throw OutOfRange(nameof(QuicServerConnectionOptions.CertificateRevocationCheckMode), server.CertificateRevocationCheckMode, "Not a defined revocation mode.");
        }
    }

    private static void ValidateShared(QuicConnectionOptions options)
    {
        ValidateErrorCode(options.DefaultStreamErrorCode, nameof(QuicConnectionOptions.DefaultStreamErrorCode));
        ValidateErrorCode(options.DefaultCloseErrorCode, nameof(QuicConnectionOptions.DefaultCloseErrorCode));
        ValidateTimeout(options.IdleTimeout, nameof(QuicConnectionOptions.IdleTimeout), allowInfinite: true);
        ValidateTimeout(options.KeepAliveInterval, nameof(QuicConnectionOptions.KeepAliveInterval), allowInfinite: true);
        ValidateTimeout(options.HandshakeTimeout, nameof(QuicConnectionOptions.HandshakeTimeout), allowInfinite: false);
        ValidateRange(options.MaxInboundBidirectionalStreams, 0, MaxStreamLimit, nameof(QuicConnectionOptions.MaxInboundBidirectionalStreams));
        ValidateRange(options.MaxInboundUnidirectionalStreams, 0, MaxStreamLimit, nameof(QuicConnectionOptions.MaxInboundUnidirectionalStreams));
        if (!Enum.IsDefined(options.CongestionControl))
        {
            throw OutOfRange(nameof(QuicConnectionOptions.CongestionControl), options.CongestionControl, "Not a defined congestion control algorithm.");
        }

        ValidateWindow(options.InitialConnectionReceiveWindow, nameof(QuicConnectionOptions.InitialConnectionReceiveWindow));
        ValidateWindow(options.InitialStreamReceiveWindow, nameof(QuicConnectionOptions.InitialStreamReceiveWindow));
        if (options.MaxConnectionReceiveWindow < options.InitialConnectionReceiveWindow || options.MaxConnectionReceiveWindow > (long)VarInt.MaxValue)
        {
            throw OutOfRange(nameof(QuicConnectionOptions.MaxConnectionReceiveWindow), options.MaxConnectionReceiveWindow, "MaxConnectionReceiveWindow must be at least InitialConnectionReceiveWindow and at most 2^62-1.");
        }

        if (options.MaxStreamReceiveWindow < options.InitialStreamReceiveWindow || options.MaxStreamReceiveWindow > (long)VarInt.MaxValue)
        {
            throw OutOfRange(nameof(QuicConnectionOptions.MaxStreamReceiveWindow), options.MaxStreamReceiveWindow, "MaxStreamReceiveWindow must be at least InitialStreamReceiveWindow and at most 2^62-1.");
        }

        if (options.CipherSuites is { } suites)
        {
            if (suites.Count == 0)
            {
                throw Invalid(nameof(QuicConnectionOptions.CipherSuites), "CipherSuites must be null (the defaults) or name at least one suite.");
            }

            foreach (TlsCipherSuite suite in suites)
            {
                if (suite is not (TlsCipherSuite.TLS_AES_128_GCM_SHA256 or TlsCipherSuite.TLS_AES_256_GCM_SHA384 or TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256))
                {
                    throw Invalid(nameof(QuicConnectionOptions.CipherSuites), $"CipherSuites holds {suite}; QUIC uses TLS 1.3 suites: TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256.");
                }
            }
        }

        if (options.TimeProvider is null)
        {
            throw Null(nameof(QuicConnectionOptions.TimeProvider), "TimeProvider is required (TimeProvider.System by default).");
        }
    }

    /// <summary>The msquic engine's limits on the shared settings (after <see cref="ValidateShared"/>).</summary>
    private static void ValidateForMsQuic(QuicConnectionOptions options)
    {
        ValidateRange(options.MaxInboundBidirectionalStreams, 0, MsQuicMaxStreamLimit, nameof(QuicConnectionOptions.MaxInboundBidirectionalStreams), " with the MsQuic engine (msquic's limit)");
        ValidateRange(options.MaxInboundUnidirectionalStreams, 0, MsQuicMaxStreamLimit, nameof(QuicConnectionOptions.MaxInboundUnidirectionalStreams), " with the MsQuic engine (msquic's limit)");
        ValidateMsQuicWindow(options.InitialConnectionReceiveWindow, nameof(QuicConnectionOptions.InitialConnectionReceiveWindow));
        ValidateMsQuicWindow(options.InitialStreamReceiveWindow, nameof(QuicConnectionOptions.InitialStreamReceiveWindow));
        if (options.CongestionControl != QuicCongestionControlAlgorithm.Cubic)
        {
            throw ManagedOnly(nameof(QuicConnectionOptions.CongestionControl), $"the {options.CongestionControl} congestion controller (msquic runs CUBIC)");
        }

        if (options.TimeProvider != TimeProvider.System)
        {
            throw ManagedOnly(nameof(QuicConnectionOptions.TimeProvider), "a TimeProvider other than TimeProvider.System (msquic keeps its own time)");
        }

        if (options.CipherSuites is not null && OperatingSystem.IsWindows())
        {
            throw ManagedOnly(nameof(QuicConnectionOptions.CipherSuites), "restricting the cipher suites on Windows (System.Net.Quic cannot)");
        }
    }

    private static void ValidateMsQuicWindow(long value, string name)
    {
        if (value > MsQuicMaxWindow || (value & (value - 1)) != 0)
        {
            throw OutOfRange(name, value, $"{name} must be a power of two of at most 2^30 bytes with the MsQuic engine (System.Net.Quic's rule).");
        }
    }

    private static void ValidateEngine(QuicEngine engine)
    {
        if (!Enum.IsDefined(engine))
        {
            throw OutOfRange("Engine", engine, "Not a defined engine: Managed or MsQuic.");
        }
    }

    private static void ValidateErrorCode(long code, string name)
    {
        if (code < 0 || (ulong)code > VarInt.MaxValue)
        {
            throw OutOfRange(name, code, $"{name} is required: an application error code between 0 and 2^62-1.");
        }
    }

    private static void ValidateTimeout(TimeSpan value, string name, bool allowInfinite)
    {
        if (allowInfinite && value == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(365))
        {
            string rule = allowInfinite ? "positive (at most a year) or Timeout.InfiniteTimeSpan" : "positive (at most a year)";
            throw OutOfRange(name, value, $"{name} must be {rule}.");
        }
    }

    private static void ValidateRange(int value, int min, int max, string name, string context = "")
    {
        if (value < min || value > max)
        {
            throw OutOfRange(name, value, $"{name} must be between {min} and {max}{context}.");
        }
    }

    private static void ValidateWindow(long value, string name)
    {
        if (value < 1024 || value > (long)VarInt.MaxValue)
        {
            throw OutOfRange(name, value, $"{name} must be at least 1024 bytes and at most 2^62-1.");
        }
    }

    private static void ValidateOffload(QuicUdpOffload offload)
    {
        if (!Enum.IsDefined(offload))
        {
            throw OutOfRange("UdpOffload", offload, "Not a defined offload mode.");
        }
    }

    private static void ValidateApplicationProtocols(List<SslApplicationProtocol>? protocols, string name)
    {
        if (protocols is null || protocols.Count == 0)
        {
            throw Invalid(name, $"{name} must name at least one application protocol (ALPN, RFC 9001 §8.1).");
        }

        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        foreach (SslApplicationProtocol protocol in protocols)
        {
            ReadOnlySpan<byte> bytes = protocol.Protocol.Span;
            if (bytes.Length is 0 or > 255)
            {
                throw Invalid(name, $"{name}: every protocol has 1 to 255 bytes.");
            }

            try
            {
                _ = strict.GetCharCount(bytes);
            }
            catch (DecoderFallbackException e)
            {
                throw new ArgumentException($"{name}: protocol names must be UTF-8 text.", name, e);
            }
        }
    }

    // The parameter name of these exceptions is the property at fault, not a parameter of the caller.
    private static ArgumentException Invalid(string property, string message) => new(message, property);

    private static ArgumentNullException Null(string property, string message) => new(property, message);

    private static ArgumentOutOfRangeException OutOfRange(string property, object? value, string message) => new(property, value, message);

    private static NotSupportedException ManagedOnly(string property, string what) =>
        new($"{property}: {what} is available on the Managed engine only, not on the MsQuic engine. Leave {property} at its default or use QuicEngine.Managed.");
}
