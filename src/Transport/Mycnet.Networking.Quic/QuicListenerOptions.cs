using System.Net;
using System.Net.Security;

namespace Mycnet.Networking.Quic;

/// <summary>Settings of a <see cref="QuicListener"/>.</summary>
public sealed class QuicListenerOptions
{
    /// <summary>
    /// Required: the address and port to listen on. <see cref="IPAddress.IPv6Any"/> listens on IPv6
    /// and IPv4 (a dual-stack socket); port 0 picks a free port (see <see cref="QuicListener.LocalEndPoint"/>).
    /// </summary>
    public IPEndPoint? ListenEndPoint { get; set; }

    /// <summary>Required: the application protocols (ALPN) this server speaks, in preference order.</summary>
    public List<SslApplicationProtocol> ApplicationProtocols { get; set; } = [];

    /// <summary>
    /// Required: the settings of every accepted connection. (System.Net.Quic takes a callback here;
    /// the managed engine fixes the settings per listener.)
    /// </summary>
    public QuicServerConnectionOptions? ConnectionOptions { get; set; }

    /// <summary>
    /// Connections that may be handshaking or waiting in <see cref="QuicListener.AcceptConnectionAsync"/>
    /// at once; beyond it new clients are refused with CONNECTION_REFUSED. Default 512.
    /// </summary>
    public int ListenBacklog { get; set; } = 512;

    /// <summary>
    /// Validate every client's address with a Retry before any handshake work (RFC 9000 §8.1.2):
    /// costs a round trip, protects against spoofed floods. Default false. Managed engine only:
    /// System.Net.Quic cannot ask msquic for it, so true with the msquic engine is refused.
    /// </summary>
    public bool RequireRetry { get; set; }

    /// <summary>Kernel batching of the listener's socket. Default <see cref="QuicUdpOffload.Auto"/>. Ignored by the msquic engine, which batches on its own.</summary>
    public QuicUdpOffload UdpOffload { get; set; } = QuicUdpOffload.Auto;

    /// <summary>
    /// The engine that runs the listener and the connections it accepts. Default
    /// <see cref="QuicEngine.Managed"/>. <see cref="QuicEngine.MsQuic"/> needs libmsquic
    /// (<see cref="QuicListener.IsEngineSupported"/>) and refuses <see cref="RequireRetry"/>.
    /// </summary>
    public QuicEngine Engine { get; set; } = QuicEngine.Managed;

    /// <summary>A private copy, so changes after the call cannot affect the listener.</summary>
    internal QuicListenerOptions Snapshot()
    {
        var copy = (QuicListenerOptions)MemberwiseClone();
        copy.ApplicationProtocols = ApplicationProtocols is null ? null! : [.. ApplicationProtocols];
        copy.ConnectionOptions = ConnectionOptions?.Snapshot();
        return copy;
    }
}
