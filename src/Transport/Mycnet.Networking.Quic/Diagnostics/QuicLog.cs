using System.Net;
using Microsoft.Extensions.Logging;

namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// The QUIC layer's log messages, source-generated (<see cref="LoggerMessageAttribute"/>) with
/// stable event ids: an id, once shipped, keeps its meaning; new messages take new ids. Protocol
/// tracing (packets, frames, recovery) belongs in qlog, not here.
/// </summary>
/// <remarks>
/// Ids: 1–19 connections, 20–39 listeners and endpoints, 40–59 sockets, 60–79 diagnostics
/// themselves. Use the category <see cref="Category"/>.
/// </remarks>
internal static partial class QuicLog
{
    /// <summary>The logger category for the QUIC layer.</summary>
    public const string Category = "Mycnet.Networking.Quic";

    // Connections.

    [LoggerMessage(EventId = 1, EventName = "ConnectionStarted", Level = LogLevel.Debug,
        Message = "QUIC {Role} connection {ConnectionId} started: {LocalEndPoint} -> {RemoteEndPoint}")]
    public static partial void ConnectionStarted(ILogger logger, string role, string connectionId, IPEndPoint localEndPoint, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 2, EventName = "ConnectionEstablished", Level = LogLevel.Information,
        Message = "QUIC {Role} connection {ConnectionId} established with {RemoteEndPoint} in {HandshakeMilliseconds:0.###} ms (ALPN {ApplicationProtocol}, {CipherSuite})")]
    public static partial void ConnectionEstablished(ILogger logger, string role, string connectionId, IPEndPoint remoteEndPoint, double handshakeMilliseconds, string? applicationProtocol, string? cipherSuite);

    [LoggerMessage(EventId = 3, EventName = "ConnectionClosed", Level = LogLevel.Information,
        Message = "QUIC {Role} connection {ConnectionId} with {RemoteEndPoint} closed: {CloseReason}")]
    public static partial void ConnectionClosed(ILogger logger, string role, string connectionId, IPEndPoint remoteEndPoint, string closeReason);

    [LoggerMessage(EventId = 4, EventName = "HandshakeFailed", Level = LogLevel.Warning,
        Message = "QUIC {Role} handshake {ConnectionId} with {RemoteEndPoint} failed: {CloseReason}")]
    public static partial void HandshakeFailed(ILogger logger, string role, string connectionId, IPEndPoint remoteEndPoint, string closeReason);

    [LoggerMessage(EventId = 5, EventName = "ConnectionMigrated", Level = LogLevel.Information,
        Message = "QUIC {Role} connection {ConnectionId} moved to path {LocalEndPoint} -> {RemoteEndPoint}")]
    public static partial void ConnectionMigrated(ILogger logger, string role, string connectionId, IPEndPoint localEndPoint, IPEndPoint remoteEndPoint);

    // Listeners and endpoints.

    [LoggerMessage(EventId = 20, EventName = "ListenerStarted", Level = LogLevel.Information,
        Message = "QUIC listener started on {LocalEndPoint} (ALPN {ApplicationProtocols})")]
    public static partial void ListenerStarted(ILogger logger, IPEndPoint localEndPoint, string applicationProtocols);

    [LoggerMessage(EventId = 21, EventName = "ListenerStopped", Level = LogLevel.Information,
        Message = "QUIC listener on {LocalEndPoint} stopped after accepting {AcceptedConnections} connections")]
    public static partial void ListenerStopped(ILogger logger, IPEndPoint localEndPoint, long acceptedConnections);

    [LoggerMessage(EventId = 22, EventName = "StatelessResetSent", Level = LogLevel.Debug,
        Message = "Sent a stateless reset to {RemoteEndPoint} for a packet to an unknown connection ID")]
    public static partial void StatelessResetSent(ILogger logger, IPEndPoint remoteEndPoint);

    [LoggerMessage(EventId = 23, EventName = "DatagramDropped", Level = LogLevel.Debug,
        Message = "Dropped a {Length}-byte datagram from {RemoteEndPoint}: {Reason}")]
    public static partial void DatagramDropped(ILogger logger, int length, IPEndPoint remoteEndPoint, string reason);

    // Sockets.

    [LoggerMessage(EventId = 40, EventName = "SocketError", Level = LogLevel.Warning,
        Message = "UDP socket error on {LocalEndPoint} during {Operation}")]
    public static partial void SocketError(ILogger logger, IPEndPoint localEndPoint, string operation, Exception exception);

    [LoggerMessage(EventId = 41, EventName = "OffloadCapabilities", Level = LogLevel.Information,
        Message = "UDP offload on {LocalEndPoint}: send segmentation (GSO) {Gso}, receive coalescing (GRO) {Gro}, batched syscalls (sendmmsg/recvmmsg) {Batching}")]
    public static partial void OffloadCapabilities(ILogger logger, IPEndPoint localEndPoint, bool gso, bool gro, bool batching);

    // Diagnostics.

    [LoggerMessage(EventId = 60, EventName = "QlogWriteFailed", Level = LogLevel.Warning,
        Message = "Writing the qlog file {Path} failed; the rest of this connection's trace is discarded")]
    public static partial void QlogWriteFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 61, EventName = "QlogEventsDropped", Level = LogLevel.Warning,
        Message = "The qlog trace {FileName} dropped {Count} events because the writer fell behind")]
    public static partial void QlogEventsDropped(ILogger logger, string fileName, long count);

    [LoggerMessage(EventId = 62, EventName = "KeyLogEnabled", Level = LogLevel.Warning,
        Message = "TLS secrets are being written to {Path} (SSLKEYLOGFILE): anyone who can read it can decrypt this process's QUIC traffic")]
    public static partial void KeyLogEnabled(ILogger logger, string path);
}
