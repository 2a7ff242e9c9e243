using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic.Core;

/// <summary>The settings of a sans-IO <see cref="Endpoint"/>.</summary>
internal sealed class EndpointConfig
{
    /// <summary>Transport settings for the connections the endpoint accepts.</summary>
    public TransportSettings ServerTransport { get; init; } = new();

    /// <summary>TLS settings for accepted connections; null for an endpoint that only connects out.</summary>
    public TlsServerOptions? ServerTls { get; init; }

    /// <summary>Send a Retry to every client without a valid token, so each address is validated before any work (RFC 9000 §8.1.2). Default off.</summary>
    public bool RequireRetry { get; init; }

    /// <summary>Connections the endpoint accepts at once; beyond it new Initials are dropped. Default 10000.</summary>
    public int MaxConnections { get; init; } = 10_000;

    /// <summary>Stateless resets sent per second at most (RFC 9000 §10.3 asks for a limit). Default 100.</summary>
    public int MaxStatelessResetsPerSecond { get; init; } = 100;

    /// <summary>The source of unpredictable bytes. Default the OS CSPRNG.</summary>
    public IRandomSource Random { get; init; } = CryptoRandomSource.Instance;

    /// <summary>The static key behind stateless reset tokens (≥ 16 bytes); a random one when empty. Share it across restarts so peers can be reset after a crash.</summary>
    public ReadOnlyMemory<byte> StatelessResetKey { get; init; }

    /// <summary>Creates a tracer for each connection (qlog, key log); null for none.</summary>
    public Func<bool, ConnectionId, IConnectionTracer?>? TracerFactory { get; init; }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        ServerTransport.Validate();
        ServerTls?.Validate();
        Require(MaxConnections >= 1, nameof(MaxConnections), "must be at least 1");
        Require(MaxStatelessResetsPerSecond >= 0, nameof(MaxStatelessResetsPerSecond), "must not be negative");
        Require(StatelessResetKey.IsEmpty || StatelessResetKey.Length >= 16, nameof(StatelessResetKey), "must have at least 16 bytes");
        Require(
            ServerTransport.LocalConnectionIdLength > 0 || ServerTls is null,
            nameof(ServerTransport),
            "needs non-empty connection IDs (LocalConnectionIdLength > 0) for a server to route packets");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
