using System.Net.Sockets;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Probes with a TCP handshake from the interface under test. The RTT is the time to the completed
/// handshake; a refused connection (RST) also proves the path works and counts as success with the time
/// to the reset. The socket closes with an abortive close (linger 0), so probing leaves no TIME_WAIT
/// sockets behind.
/// </summary>
internal sealed class TcpConnectProbe : IBackhaulProbe
{
    public string Name => BackhaulProbeNames.TcpConnect;

    public async ValueTask<BackhaulProbeResult> ProbeAsync(BackhaulProbeContext context, CancellationToken cancellationToken)
    {
        using Socket socket = context.CreateBoundSocket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        socket.LingerState = new LingerOption(enable: true, seconds: 0);
        long start = context.TimeProvider.GetTimestamp();
        try
        {
            await socket.ConnectAsync(context.Target.EndPoint, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return BackhaulProbeResult.Success(context.TimeProvider.GetElapsedTime(start));
        }
        catch (SocketException ex)
        {
            return BackhaulProbeResult.Failure("tcp connect: " + ex.SocketErrorCode);
        }

        return BackhaulProbeResult.Success(context.TimeProvider.GetElapsedTime(start));
    }
}
