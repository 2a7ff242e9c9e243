namespace Mycnet.Networking.Quic;

/// <summary>
/// The QUIC implementation behind a connection or listener, chosen with
/// <see cref="QuicClientConnectionOptions.Engine"/> and <see cref="QuicListenerOptions.Engine"/>.
/// </summary>
/// <remarks>
/// Both engines sit behind the same public API and speak QUIC v1 to each other. What each one
/// offers beyond the common API is in <see cref="QuicConnection.Capabilities"/>; a call that needs
/// a feature the engine lacks throws <see cref="NotSupportedException"/> naming the engine that has it.
/// </remarks>
public enum QuicEngine
{
    /// <summary>
    /// This SDK's own engine, pure C#: runs wherever .NET runs. Offers datagrams (RFC 9221), PING
    /// round trips, statistics, a choice of congestion controller, qlog and key logs. The default.
    /// </summary>
    Managed,

    /// <summary>
    /// msquic through System.Net.Quic: needs the native libmsquic (part of Windows; a package on
    /// Linux). <see cref="QuicConnection.IsEngineSupported"/> tells whether this host has it. Offers
    /// streams and connections only: no datagrams, PING, statistics, qlog or migration API.
    /// </summary>
    MsQuic,
}
