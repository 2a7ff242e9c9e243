using System.Net;
using System.Net.Sockets;
using Mycnet.Networking.Quic;

namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Probes an interface with a QUIC connection to the target and measures PING round trips.
/// </summary>
/// <remarks>
/// Design: one connection per (interface, source address, target), created from a socket bound to
/// the interface (SO_BINDTODEVICE and the interface's source address, in the manager's network
/// namespace) and kept across rounds, so a round costs one PING and its acknowledgment, not a
/// handshake. The handshake runs on its own timeout, not the round's: a round that times out while
/// connecting fails, and a later round uses the connection once it is up. A connection that fails
/// (idle timeout, reset, refused) is forgotten and the next round connects again. Certificates are
/// validated as configured; there is no way to switch validation off.
/// </remarks>
internal sealed class QuicPingProbe : IBackhaulProbe, IAsyncDisposable
{
    private readonly QuicPingProbeOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Interface, IPAddress Source, IPEndPoint Target), Task<QuicConnection>> _connections = [];
    private readonly CancellationTokenSource _disposed = new();

    public QuicPingProbe(QuicPingProbeOptions options) => _options = options;

    public string Name => BackhaulProbeNames.QuicPing;

    public async ValueTask<BackhaulProbeResult> ProbeAsync(BackhaulProbeContext context, CancellationToken cancellationToken)
    {
        var key = (context.InterfaceName, context.SourceAddress, context.Target.EndPoint);
        Task<QuicConnection> connecting = GetOrConnect(key, context);
        QuicConnection connection;
        try
        {
            connection = await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (QuicException e)
        {
            Forget(key, connecting);
            return BackhaulProbeResult.Failure("quic handshake: " + e.QuicError);
        }

        try
        {
            TimeSpan roundTrip = await connection.PingAsync(cancellationToken).ConfigureAwait(false);
            return BackhaulProbeResult.Success(roundTrip);
        }
        catch (QuicException e)
        {
            Forget(key, connecting);
            await connection.DisposeAsync().ConfigureAwait(false);
            return BackhaulProbeResult.Failure("quic ping: " + e.QuicError);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        Task<QuicConnection>[] all;
        lock (_gate)
        {
            all = [.. _connections.Values];
            _connections.Clear();
        }

        foreach (Task<QuicConnection> task in all)
        {
            try
            {
                await (await task.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is QuicException or OperationCanceledException)
            {
                // Never connected: nothing to close.
            }
        }

        _disposed.Dispose();
    }

    private Task<QuicConnection> GetOrConnect((string Interface, IPAddress Source, IPEndPoint Target) key, BackhaulProbeContext context)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
            if (!_connections.TryGetValue(key, out Task<QuicConnection>? task) || task.IsCanceled || task.IsFaulted)
            {
                task = ConnectAsync(context);
                _connections[key] = task;
            }

            return task;
        }
    }

    private async Task<QuicConnection> ConnectAsync(BackhaulProbeContext context)
    {
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        handshake.CancelAfter(_options.HandshakeTimeout);
        var options = new QuicClientConnectionOptions
        {
            RemoteEndPoint = context.Target.EndPoint,
            LocalEndPoint = new IPEndPoint(context.SourceAddress, 0),
            SocketFactory = _ => context.CreateBoundSocket(SocketType.Dgram, ProtocolType.Udp),
            TargetHost = _options.TargetHost ?? context.Target.EndPoint.Address.ToString(),
            ApplicationProtocols = [_options.ApplicationProtocol],
            TrustedRootCertificates = _options.TrustedRootCertificates,
            RemoteCertificateValidationCallback = _options.RemoteCertificateValidationCallback,
            DefaultStreamErrorCode = 0,
            DefaultCloseErrorCode = 0,
            IdleTimeout = _options.IdleTimeout,
            HandshakeTimeout = _options.HandshakeTimeout,
            DatagramReceiveEnabled = false,
            TimeProvider = context.TimeProvider,
        };
        return await QuicConnection.ConnectAsync(options, handshake.Token).ConfigureAwait(false);
    }

    private void Forget((string Interface, IPAddress Source, IPEndPoint Target) key, Task<QuicConnection> task)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(key, out Task<QuicConnection>? current) && current == task)
            {
                _connections.Remove(key);
            }
        }
    }
}
