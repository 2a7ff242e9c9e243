using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>
/// An in-memory <see cref="IInteropQuic"/>: listeners keyed by port, each connect creates an
/// <see cref="InMemoryQuicConnection"/> pair. Key updates are counted, not performed.
/// </summary>
internal sealed class InMemoryInteropQuic : IInteropQuic
{
    private readonly ConcurrentDictionary<int, Listener> _listeners = new();

    public int KeyUpdates => _keyUpdates;

    public int Connects => _connects;

    private int _keyUpdates;
    private int _connects;

    public ValueTask<IInteropConnection> ConnectAsync(InteropClientSettings settings, CancellationToken cancellationToken)
    {
        if (!_listeners.TryGetValue(settings.Remote.Port, out Listener? listener))
        {
            throw new IOException($"Nothing listens on port {settings.Remote.Port}.");
        }

        if (settings.TrustedRoots.Count == 0)
        {
            throw new InvalidOperationException("The client trusts no CA.");
        }

        Interlocked.Increment(ref _connects);
        (InMemoryQuicConnection client, InMemoryQuicConnection server) = InMemoryQuicConnection.CreatePair();
        listener.Incoming.Writer.TryWrite(new Connection(server, this));
        return ValueTask.FromResult<IInteropConnection>(new Connection(client, this));
    }

    public ValueTask<IInteropListener> ListenAsync(InteropServerSettings settings, CancellationToken cancellationToken)
    {
        var listener = new Listener(settings.Listen, this);
        if (!_listeners.TryAdd(settings.Listen.Port, listener))
        {
            throw new IOException($"Port {settings.Listen.Port} is in use.");
        }

        return ValueTask.FromResult<IInteropListener>(listener);
    }

    private sealed class Listener(IPEndPoint endPoint, InMemoryInteropQuic owner) : IInteropListener
    {
        public Channel<IInteropConnection> Incoming { get; } = Channel.CreateUnbounded<IInteropConnection>();

        public EndPoint LocalEndPoint => endPoint;

        public async ValueTask<IInteropConnection?> AcceptAsync(CancellationToken cancellationToken)
        {
            try
            {
                return await Incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask DisposeAsync()
        {
            owner._listeners.TryRemove(endPoint.Port, out _);
            Incoming.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Connection(InMemoryQuicConnection inner, InMemoryInteropQuic owner) : IInteropConnection
    {
        public string Description => $"in-memory {(inner.IsClient ? "client" : "server")}";

        public string Statistics => $"closed with 0x{inner.CloseCode ?? 0:x}";

        public bool IsClient => inner.IsClient;

        public bool IsClosed => inner.IsClosed;

        public ValueTask UpdateKeysAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._keyUpdates);
            return ValueTask.CompletedTask;
        }

        public ValueTask<IH3Stream> OpenStreamAsync(bool bidirectional, CancellationToken cancellationToken) => inner.OpenStreamAsync(bidirectional, cancellationToken);

        public ValueTask<IH3Stream?> AcceptStreamAsync(CancellationToken cancellationToken) => inner.AcceptStreamAsync(cancellationToken);

        public ValueTask CloseAsync(long applicationErrorCode, CancellationToken cancellationToken) => inner.CloseAsync(applicationErrorCode, cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
