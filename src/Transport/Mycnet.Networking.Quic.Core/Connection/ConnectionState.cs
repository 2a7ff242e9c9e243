namespace Mycnet.Networking.Quic.Core;

/// <summary>The life of a connection (RFC 9000 §10).</summary>
internal enum ConnectionState
{
    /// <summary>The handshake is in progress.</summary>
    Handshaking,

    /// <summary>The handshake completed; application data flows.</summary>
    Established,

    /// <summary>This side sent CONNECTION_CLOSE and answers further packets with it (§10.2.1).</summary>
    Closing,

    /// <summary>The peer closed or reset; nothing more is sent (§10.2.2).</summary>
    Draining,

    /// <summary>Done: no more input or output.</summary>
    Terminated,
}
