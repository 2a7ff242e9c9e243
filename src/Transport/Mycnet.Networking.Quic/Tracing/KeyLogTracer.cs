using System.Net;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Tls;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// Writes a connection's TLS secrets to an NSS key-log file (the SSLKEYLOGFILE format:
/// <c>LABEL client_random secret</c>, one per line), which Wireshark and tshark use to decrypt
/// QUIC captures. Every other trace event is ignored.
/// </summary>
internal sealed class KeyLogTracer : IConnectionTracer
{
    private readonly KeyLogFile _file;

    public KeyLogTracer(KeyLogFile file) => _file = file;

    /// <summary>A tracer for <paramref name="path"/>, or null when no key log is wanted.</summary>
    public static KeyLogTracer? For(string? path) => string.IsNullOrEmpty(path) ? null : new KeyLogTracer(KeyLogFile.Get(path));

    public void OnSecret(string label, ReadOnlySpan<byte> clientRandom, ReadOnlySpan<byte> secret) =>
        _file.Append(TlsKeyLogLabels.FormatLine(label, clientRandom, secret));

    public void OnPacketSent(Instant now, PacketNumberSpace space, ulong packetNumber, int size, ReadOnlySpan<SentFrame> frames)
    {
    }

    public void OnPacketReceived(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
    }

    public void OnPacketDropped(Instant now, int size, string reason)
    {
    }

    public void OnPacketLost(Instant now, PacketNumberSpace space, ulong packetNumber, int size)
    {
    }

    public void OnMetricsUpdated(Instant now, RttEstimator rtt, long congestionWindow, long bytesInFlight)
    {
    }

    public void OnStateChanged(Instant now, ConnectionState state)
    {
    }

    public void OnPathChanged(Instant now, IPEndPoint local, IPEndPoint remote)
    {
    }
}
