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
        Datagrams = true,
        Migration = false,
        PeerMigration = true,
        Multipath = false,
        PathStatistics = true,
    };

    internal QuicCapabilities()
    {
    }

    /// <summary>
    /// Unreliable DATAGRAM frames (RFC 9221). Whether a given peer accepts them shows in
    /// <see cref="QuicConnection.MaxDatagramSize"/> (0 when it does not).
    /// </summary>
    public bool Datagrams { get; init; }

    /// <summary>
    /// Active migration: moving an open connection to a new local address from the API (RFC 9000 §9).
    /// False for the managed engine today: a client connection stays on the address it connected from.
    /// </summary>
    public bool Migration { get; init; }

    /// <summary>
    /// Following a peer whose address changed (NAT rebinding or the peer's own migration): the new
    /// path is validated and the connection moves to it (RFC 9000 §9.3). True for the managed engine.
    /// </summary>
    public bool PeerMigration { get; init; }

    /// <summary>Several paths in use at once (draft-ietf-quic-multipath). False for the managed engine today.</summary>
    public bool Multipath { get; init; }

    /// <summary>
    /// RTT, congestion window and loss of the current path in <see cref="QuicConnection.GetStatistics"/>.
    /// True for the managed engine.
    /// </summary>
    public bool PathStatistics { get; init; }
}
