using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>
/// The server a scenario's client talks to, wherever it runs, and the client options to reach it.
/// </summary>
internal abstract class PerfServerHost : IAsyncDisposable
{
    private readonly QuicPerfSettings _settings;

    protected PerfServerHost(QuicPerfSettings settings, IPEndPoint endPoint, X509Certificate2 root)
    {
        _settings = settings;
        EndPoint = endPoint;
        Root = root;
    }

    public IPEndPoint EndPoint { get; }

    /// <summary>The root certificate clients trust.</summary>
    public X509Certificate2 Root { get; }

    /// <summary>Whether the server shares this process (then one memory snapshot covers both ends).</summary>
    public abstract bool SharesProcess { get; }

    /// <summary>
    /// Starts (or reaches) the server the settings ask for. <paramref name="maxInboundBidirectionalStreams"/>
    /// cannot be applied to an external server: it must have been started with the same value.
    /// </summary>
    public static async Task<PerfServerHost> StartAsync(QuicPerfSettings settings, int maxInboundBidirectionalStreams, CancellationToken cancellationToken)
    {
        switch (settings.Mode)
        {
            case ServerMode.ChildProcess:
                return await ChildProcessServerHost.LaunchAsync(settings, maxInboundBidirectionalStreams, cancellationToken).ConfigureAwait(false);
            case ServerMode.External:
#pragma warning disable CA2000 // the host owns the certificate
                X509Certificate2 root = X509CertificateLoader.LoadCertificateFromFile(settings.RootCertificatePath!);
#pragma warning restore CA2000
                return new ExternalServerHost(settings, settings.Connect!, root);
            default:
                var certificates = new PerfCertificates();
                try
                {
                    var config = new PerfServerConfig(new IPEndPoint(IPAddress.Loopback, 0), settings.Offload, settings.QlogDirectory, maxInboundBidirectionalStreams, settings.Engine);
                    PerfServer server = await PerfServer.StartAsync(config, certificates.Server, cancellationToken).ConfigureAwait(false);
                    return new InProcessServerHost(settings, server, certificates);
                }
                catch
                {
                    certificates.Dispose();
                    throw;
                }
        }
    }

    /// <summary>Options for one client connection to this server.</summary>
    public QuicClientConnectionOptions CreateClientOptions() => new()
    {
        Engine = _settings.Engine,
        RemoteEndPoint = EndPoint,
        TargetHost = "localhost",
        ApplicationProtocols = [PerfProtocol.Alpn],
        TrustedRootCertificates = [Root],
        UdpOffload = _settings.Offload,
        DefaultStreamErrorCode = 1,
        DefaultCloseErrorCode = 0,
        IdleTimeout = PerfServerConfig.IdleTimeout,
        QlogDirectory = _settings.QlogDirectory,
    };

    /// <summary>
    /// The server's memory once it holds exactly <paramref name="expectedConnections"/> connections,
    /// asked over <paramref name="control"/> (a connection of its own, which the server counts).
    /// </summary>
    public virtual async Task<MemorySnapshot> QueryServerMemoryAsync(QuicConnection control, int expectedConnections, CancellationToken cancellationToken)
    {
        QuicStream stream = await control.OpenOutboundStreamAsync(QuicStreamType.Bidirectional, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(PerfProtocol.Header(PerfProtocol.Memory, expectedConnections), completeWrites: true, cancellationToken).ConfigureAwait(false);
            using var reply = new MemoryStream();
            await stream.CopyToAsync(reply, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<MemorySnapshot>(reply.ToArray())
                ?? throw new InvalidOperationException("The server sent no memory snapshot.");
        }
    }

    public abstract ValueTask DisposeAsync();
}

/// <summary>The server in this process.</summary>
internal sealed class InProcessServerHost : PerfServerHost
{
    private readonly PerfServer _server;
    private readonly PerfCertificates _certificates;

    public InProcessServerHost(QuicPerfSettings settings, PerfServer server, PerfCertificates certificates)
        : base(settings, server.LocalEndPoint, certificates.Root)
    {
        _server = server;
        _certificates = certificates;
    }

    public override bool SharesProcess => true;

    public PerfServer Server => _server;

    public override async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync().ConfigureAwait(false);
        _certificates.Dispose();
    }
}

/// <summary>A server started by hand (<c>serve</c>), perhaps on another machine.</summary>
internal sealed class ExternalServerHost : PerfServerHost
{
    public ExternalServerHost(QuicPerfSettings settings, IPEndPoint endPoint, X509Certificate2 root)
        : base(settings, endPoint, root)
    {
    }

    public override bool SharesProcess => false;

    public override ValueTask DisposeAsync()
    {
        Root.Dispose();
        return ValueTask.CompletedTask;
    }
}
