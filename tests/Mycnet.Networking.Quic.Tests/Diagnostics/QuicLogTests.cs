using System.Net;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Diagnostics;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>The source-generated log messages: stable, unique ids and the messages they format.</summary>
public sealed class QuicLogTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("192.0.2.1"), 4433);
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("2001:db8::7"), 50123);

    /// <summary>The shipped ids. Changing one breaks dashboards and alerts: add new ids instead.</summary>
    private static readonly Dictionary<int, string> PinnedIds = new()
    {
        [1] = "ConnectionStarted",
        [2] = "ConnectionEstablished",
        [3] = "ConnectionClosed",
        [4] = "HandshakeFailed",
        [5] = "ConnectionMigrated",
        [20] = "ListenerStarted",
        [21] = "ListenerStopped",
        [22] = "StatelessResetSent",
        [23] = "DatagramDropped",
        [40] = "SocketError",
        [41] = "OffloadCapabilities",
        [60] = "QlogWriteFailed",
        [61] = "QlogEventsDropped",
        [62] = "KeyLogEnabled",
    };

    private static LoggerMessageAttribute[] Attributes() =>
        [.. typeof(QuicLog).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()];

    [Fact]
    public void Logging_EventIds_AreUniqueNamedAndPinned()
    {
        LoggerMessageAttribute[] attributes = Attributes();
        Assert.Equal(PinnedIds.Count, attributes.Length);
        Assert.Equal(attributes.Length, attributes.Select(a => a.EventId).Distinct().Count());
        Assert.Equal(attributes.Length, attributes.Select(a => a.EventName).Distinct(StringComparer.Ordinal).Count());
        foreach (LoggerMessageAttribute attribute in attributes)
        {
            Assert.True(PinnedIds.TryGetValue(attribute.EventId, out string? name), $"Event id {attribute.EventId} ({attribute.EventName}) is not pinned: add it to the table.");
            Assert.Equal(name, attribute.EventName);
            Assert.False(string.IsNullOrWhiteSpace(attribute.Message));
        }
    }

    [Fact]
    public void Logging_EventNames_MatchTheirMethods()
    {
        foreach (MethodInfo method in typeof(QuicLog).GetMethods(BindingFlags.Public | BindingFlags.Static))
        {
            if (method.GetCustomAttribute<LoggerMessageAttribute>() is { } attribute)
            {
                Assert.Equal(method.Name, attribute.EventName);
                Assert.Equal(typeof(ILogger), method.GetParameters()[0].ParameterType);
            }
        }
    }

    [Fact]
    public void Logging_ConnectionMessages_AreFormattedWithTheirArguments()
    {
        var logger = new RecordingLogger();
        QuicLog.ConnectionStarted(logger, "client", "0a0b", Local, Remote);
        QuicLog.ConnectionEstablished(logger, "server", "0a0b", Remote, 21.5, "h3", "Aes128GcmSha256");
        QuicLog.ConnectionClosed(logger, "client", "0a0b", Remote, "peer closed with application error 0x100");
        QuicLog.HandshakeFailed(logger, "client", "0a0b", Remote, "handshake timeout");

        RecordingLogger.Entry[] entries = [.. logger.Entries];
        Assert.Equal("QUIC client connection 0a0b started: 192.0.2.1:4433 -> [2001:db8::7]:50123", entries[0].Message);
        Assert.Equal(LogLevel.Debug, entries[0].Level);
        Assert.Equal("QUIC server connection 0a0b established with [2001:db8::7]:50123 in 21.5 ms (ALPN h3, Aes128GcmSha256)", entries[1].Message);
        Assert.Equal(LogLevel.Information, entries[1].Level);
        Assert.Equal(21.5, entries[1].Values["HandshakeMilliseconds"]);
        Assert.Equal("QUIC client connection 0a0b with [2001:db8::7]:50123 closed: peer closed with application error 0x100", entries[2].Message);
        Assert.Equal(new EventId(4, "HandshakeFailed"), entries[3].EventId);
        Assert.Equal(LogLevel.Warning, entries[3].Level);
        Assert.Equal("handshake timeout", entries[3].Values["CloseReason"]);
    }

    [Fact]
    public void Logging_EndpointAndSocketMessages_AreFormattedWithTheirArguments()
    {
        var logger = new RecordingLogger();
        var error = new System.Net.Sockets.SocketException(10054);
        QuicLog.ListenerStarted(logger, Local, "h3, hq-interop");
        QuicLog.ListenerStopped(logger, Local, 42);
        QuicLog.StatelessResetSent(logger, Remote);
        QuicLog.DatagramDropped(logger, 1350, Remote, "unknown connection ID");
        QuicLog.SocketError(logger, Local, "receive", error);
        QuicLog.OffloadCapabilities(logger, Local, gso: true, gro: false, batching: true);

        RecordingLogger.Entry[] entries = [.. logger.Entries];
        Assert.Equal("QUIC listener started on 192.0.2.1:4433 (ALPN h3, hq-interop)", entries[0].Message);
        Assert.Equal("QUIC listener on 192.0.2.1:4433 stopped after accepting 42 connections", entries[1].Message);
        Assert.Equal("Sent a stateless reset to [2001:db8::7]:50123 for a packet to an unknown connection ID", entries[2].Message);
        Assert.Equal(LogLevel.Debug, entries[3].Level);
        Assert.Equal("Dropped a 1350-byte datagram from [2001:db8::7]:50123: unknown connection ID", entries[3].Message);
        Assert.Same(error, entries[4].Exception);
        Assert.Equal("UDP socket error on 192.0.2.1:4433 during receive", entries[4].Message);
        Assert.Equal("UDP offload on 192.0.2.1:4433: send segmentation (GSO) True, receive coalescing (GRO) False, batched syscalls (sendmmsg/recvmmsg) True", entries[5].Message);
    }

    [Fact]
    public void Logging_DisabledLevel_DoesNotFormat()
    {
        var logger = new RecordingLogger { MinimumLevel = LogLevel.Information };
        QuicLog.DatagramDropped(logger, 1350, Remote, "unknown connection ID");
        QuicLog.ConnectionStarted(logger, "client", "0a0b", Local, Remote);
        Assert.Empty(logger.Entries);
    }
}
