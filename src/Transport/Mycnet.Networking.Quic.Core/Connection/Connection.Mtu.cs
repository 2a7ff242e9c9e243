using Mycnet.Networking.Quic.Core.Crypto;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Quic.Core;

/// <content>
/// Datagram packetization layer path MTU discovery (DPLPMTUD, RFC 9000 §14.3, RFC 8899), kept
/// simple: once the handshake is confirmed, the connection sends a PING padded to the largest size
/// allowed (our <see cref="TransportSettings.MaxDatagramSize"/> and the peer's
/// max_udp_payload_size). An acknowledged probe raises the path's datagram size; three probes of
/// one size lost in a row lower the ceiling to halfway and the search continues, stopping when the
/// gap is small. Lost probes are not congestion signals (RFC 9000 §14.4).
/// </content>
internal sealed partial class Connection
{
    /// <summary>Probes of one size lost in a row before that size is given up.</summary>
    private const int MtuProbeAttempts = 3;

    /// <summary>The search stops when the ceiling is this close to the confirmed size.</summary>
    private const int MtuSearchPrecision = 24;

    private int NextMtuProbeSize(QuicPath path)
    {
        if (!_handshakeConfirmed || path != _path || !path.IsValidated || path.MtuProbeInFlight != 0 || path.Recovery is null)
        {
            return 0;
        }

        if (path.MtuCeiling == 0)
        {
            ulong peerLimit = _peerParameters?.MaxUdpPayloadSize ?? TransportParameters.DefaultMaxUdpPayloadSize;
            path.MtuCeiling = (int)Math.Min((ulong)_settings.MaxDatagramSize, peerLimit);
        }

        int gap = path.MtuCeiling - path.MaxDatagramSize;
        if (gap <= 0 || (path.MtuSearching && gap < MtuSearchPrecision))
        {
            return 0;
        }

        // First try the ceiling itself (the common case: it works); after it failed, bisect
        // between the confirmed size and the ceiling.
        return path.MtuSearching ? path.MaxDatagramSize + ((gap + 1) / 2) : path.MtuCeiling;
    }

    private bool TryPollMtuProbe(Instant now, Span<byte> buffer, out Transmit transmit)
    {
        transmit = default;
        QuicPath path = _path;
        int size = NextMtuProbeSize(path);
        if (size == 0 || buffer.Length < size || _keys.OneRtt is null || _recovery.Congestion.AvailableWindow < size)
        {
            return false;
        }

        var writer = new WireWriter(buffer[..(size - CipherSuiteInfo.TagLength)]);
        (ulong packetNumber, int pnOffset, int pnLength) = WriteStandaloneShortHeader(ref writer);
        int headerLength = writer.Position;
        writer.WriteByte((byte)FrameType.Ping);
        writer.WriteZeros(writer.Remaining);
        SentFrames[0] = SentFrame.Ping();
        int payloadLength = writer.Position - headerLength;
        var packet = new PendingPacket(PacketNumberSpace.ApplicationData, PacketType.OneRtt, packetNumber, 0, size, headerLength, payloadLength, pnOffset, pnLength, -1, 0, 1, AckEliciting: true, IsMtuProbe: true);
        SealPacket(now, buffer, in packet, markEct0: false);
        path.MtuProbeInFlight = size;
        path.BytesSent += size;
        _bytesSent += size;
        _datagramsSentCount++;
        transmit = new Transmit(path.Local, path.Remote, size, size, EcnCodepoint.NotEct);
        return true;
    }

    private void OnMtuProbeAcked(int size)
    {
        QuicPath path = _path;
        path.MtuProbeInFlight = 0;
        path.MtuProbeLosses = 0;
        if (size > path.MaxDatagramSize)
        {
            path.SetMaxDatagramSize(size);
        }
    }

    private void OnMtuProbeLost(int size)
    {
        QuicPath path = _path;
        if (path.MtuProbeInFlight != size)
        {
            return;
        }

        path.MtuProbeInFlight = 0;
        if (++path.MtuProbeLosses < MtuProbeAttempts)
        {
            return;
        }

        // This size does not get through: search below it.
        path.MtuProbeLosses = 0;
        path.MtuCeiling = size - 1;
        path.MtuSearching = true;
    }
}
