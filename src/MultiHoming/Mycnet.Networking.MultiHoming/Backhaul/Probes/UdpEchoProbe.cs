using System.Buffers.Binary;
using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Probes with one UDP datagram that the target echoes back unchanged (RFC 862 echo semantics). The
/// datagram carries a magic and a random nonce; replies that do not match are discarded, so a late
/// echo of an earlier attempt is never taken for this one. An ICMP port-unreachable (connection
/// refused on a connected UDP socket) proves the path works and counts as success.
/// </summary>
internal sealed class UdpEchoProbe : IBackhaulProbe
{
    private const int PayloadLength = 16;
    private const uint Magic = 0x4D424850; // "MBHP"

    public string Name => BackhaulProbeNames.UdpEcho;

    public async ValueTask<BackhaulProbeResult> ProbeAsync(BackhaulProbeContext context, CancellationToken cancellationToken)
    {
        using Socket socket = context.CreateBoundSocket(SocketType.Dgram, ProtocolType.Udp);
        byte[] request = new byte[PayloadLength];
        BinaryPrimitives.WriteUInt32BigEndian(request, Magic);
        BinaryPrimitives.WriteInt64BigEndian(request.AsSpan(4), context.NextNonce());
        byte[] reply = new byte[PayloadLength * 4];
        long start = context.TimeProvider.GetTimestamp();
        try
        {
            await socket.ConnectAsync(context.Target.EndPoint, cancellationToken).ConfigureAwait(false);
            await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            while (true)
            {
                int received = await socket.ReceiveAsync(reply, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (received == PayloadLength && reply.AsSpan(0, PayloadLength).SequenceEqual(request))
                {
                    return BackhaulProbeResult.Success(context.TimeProvider.GetElapsedTime(start));
                }
            }
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return BackhaulProbeResult.Success(context.TimeProvider.GetElapsedTime(start));
        }
        catch (SocketException ex)
        {
            return BackhaulProbeResult.Failure("udp echo: " + ex.SocketErrorCode);
        }
    }
}
