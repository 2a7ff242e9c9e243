namespace Mycnet.Networking.Quic;

/// <summary>
/// What the engine behind a connection supports, honestly: a feature listed false is not offered,
/// not emulated. From <see cref="QuicConnection.Capabilities"/>.
/// </summary>
public sealed class QuicCapabilities
{
    /// <summary>The capabilities of the managed engine as it stands.</summary>
    internal static readonly QuicCapabilities ManagedEngine = new()
    {
        Engine = QuicEngine.Managed,
        Datagrams = true,
        Ping = true,
        Migration = false,
        PeerMigration = true,
        Multipath = false,
        PathStatistics = true,
    };

    /// <summary>
    /// The capabilities of the msquic engine through System.Net.Quic, which exposes streams and
    /// connections only: no datagrams, no PING, no statistics, no migration or path API. msquic
    /// itself follows a peer whose address changed (RFC 9000 §9.3) without the application's help.
    /// </summary>
    internal static readonly QuicCapabilities MsQuicEngine = new()
    {
        Engine = QuicEngine.MsQuic,
        Datagrams = false,
        Ping = false,
        Migration = false,
        PeerMigration = true,
        Multipath = false,
        PathStatistics = false,
    };

    internal QuicCapabilities()
    {
    }

    /// <summary>The engine behind the connection.</summary>
    public QuicEngine Engine { get; init; }

    /// <summary>
    /// Unreliable DATAGRAM frames (RFC 9221). Whether a given peer accepts them shows in
    /// <see cref="QuicConnection.MaxDatagramSize"/> (0 when it does not). False for the msquic
    /// engine: System.Net.Quic has no datagram API, so the datagram calls throw
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    public bool Datagrams { get; init; }

    /// <summary>
    /// <see cref="QuicConnection.PingAsync"/>: a PING frame and its round trip time. False for the
    /// msquic engine (System.Net.Quic sends keep-alive PINGs only, see <see cref="QuicConnectionOptions.KeepAliveInterval"/>).
    /// </summary>
    public bool Ping { get; init; }

    /// <summary>
    /// Active migration: moving an open connection to a new local address from the API (RFC 9000 §9).
    /// False for both engines today: a client connection stays on the address it connected from (the
    /// managed engine has no API for it yet; System.Net.Quic has none).
    /// </summary>
    public bool Migration { get; init; }

    /// <summary>
    /// Following a peer whose address changed (NAT rebinding or the peer's own migration): the new
    /// path is validated and the connection moves to it (RFC 9000 §9.3). True for both engines: msquic
    /// does it on its own, and <see cref="QuicConnection.RemoteEndPoint"/> shows the new address.
    /// </summary>
    public bool PeerMigration { get; init; }

    /// <summary>Several paths in use at once (draft-ietf-quic-multipath). False for both engines today.</summary>
    public bool Multipath { get; init; }

    /// <summary>
    /// <see cref="QuicConnection.GetStatistics"/>: counters and the RTT, congestion window and loss of
    /// the current path. True for the managed engine; false for the msquic engine, where
    /// System.Net.Quic exposes no statistics and <see cref="QuicConnection.GetStatistics"/> throws
    /// <see cref="NotSupportedException"/>.
    /// </summary>
    public bool PathStatistics { get; init; }
}
