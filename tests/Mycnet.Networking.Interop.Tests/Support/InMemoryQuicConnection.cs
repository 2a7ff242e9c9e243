using System.Threading.Channels;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>
/// One end of an in-memory "QUIC connection": streams with RFC 9000 §2.1 ids, bounded per-direction
/// buffers, FIN / RESET_STREAM / STOP_SENDING, and an application close that both ends observe.
/// Tests drive the HTTP/3 code through it and also act as a raw peer writing arbitrary bytes.
/// </summary>
internal sealed class InMemoryQuicConnection : IH3Transport
{
    private readonly Channel<InMemoryQuicStream> _incoming = Channel.CreateUnbounded<InMemoryQuicStream>();
    private readonly SharedState _shared;
    private readonly int _pipeCapacity;
    private long _nextBidi;
    private long _nextUni;

    private InMemoryQuicConnection(bool isClient, SharedState shared, int pipeCapacity)
    {
        IsClient = isClient;
        _shared = shared;
        _pipeCapacity = pipeCapacity;
        _nextBidi = isClient ? 0 : 1;
        _nextUni = isClient ? 2 : 3;
    }

    public bool IsClient { get; }

    public bool IsClosed => _shared.CloseCode is not null;

    /// <summary>The application error code of the close, and which end closed.</summary>
    public long? CloseCode => _shared.CloseCode;

    /// <summary>True when this end closed the connection.</summary>
    public bool ClosedLocally => _shared.CloseCode is not null && _shared.ClosedByClient == IsClient;

    /// <summary>Completes when the connection closes; carries the application error code.</summary>
    public Task<long> Closed => _shared.Closed.Task;

    public InMemoryQuicConnection Peer { get; private set; } = null!;

    public static (InMemoryQuicConnection Client, InMemoryQuicConnection Server) CreatePair(int pipeCapacity = 256 * 1024)
    {
        var shared = new SharedState();
        var client = new InMemoryQuicConnection(isClient: true, shared, pipeCapacity);
        var server = new InMemoryQuicConnection(isClient: false, shared, pipeCapacity);
        client.Peer = server;
        server.Peer = client;
        return (client, server);
    }

    /// <summary>Opens a stream without waiting (the in-memory transport has no stream limit).</summary>
    public InMemoryQuicStream OpenStream(bool bidirectional)
    {
        lock (_shared)
        {
            if (_shared.CloseCode is not null)
            {
                throw new IOException("The connection is closed.");
            }

            long id;
            if (bidirectional)
            {
                id = _nextBidi;
                _nextBidi += 4;
            }
            else
            {
                id = _nextUni;
                _nextUni += 4;
            }

            var toPeer = new InMemoryPipe(_pipeCapacity);
            InMemoryPipe? fromPeer = bidirectional ? new InMemoryPipe(_pipeCapacity) : null;
            var local = new InMemoryQuicStream(id, readPipe: fromPeer, writePipe: toPeer);
            var remote = new InMemoryQuicStream(id, readPipe: toPeer, writePipe: fromPeer);
            _shared.Pipes.Add(toPeer);
            if (fromPeer is not null)
            {
                _shared.Pipes.Add(fromPeer);
            }

            Peer._incoming.Writer.TryWrite(remote);
            return local;
        }
    }

    public ValueTask<IH3Stream> OpenStreamAsync(bool bidirectional, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IH3Stream>(OpenStream(bidirectional));
    }

    public async ValueTask<IH3Stream?> AcceptStreamAsync(CancellationToken cancellationToken) =>
        await AcceptAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>The next stream the peer opened, or null once the connection closed.</summary>
    public async ValueTask<InMemoryQuicStream?> AcceptAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _incoming.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public ValueTask CloseAsync(long applicationErrorCode, CancellationToken cancellationToken)
    {
        InMemoryPipe[] pipes;
        lock (_shared)
        {
            if (_shared.CloseCode is not null)
            {
                return ValueTask.CompletedTask;
            }

            _shared.CloseCode = applicationErrorCode;
            _shared.ClosedByClient = IsClient;
            pipes = [.. _shared.Pipes];
        }

        var reason = new IOException($"Connection closed by the {(IsClient ? "client" : "server")} with application error 0x{applicationErrorCode:x}.");
        foreach (InMemoryPipe pipe in pipes)
        {
            pipe.Close(reason);
        }

        _incoming.Writer.TryComplete();
        Peer._incoming.Writer.TryComplete();
        _shared.Closed.TrySetResult(applicationErrorCode);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CloseAsync(0x100, CancellationToken.None);

    private sealed class SharedState
    {
        public List<InMemoryPipe> Pipes { get; } = [];

        public long? CloseCode { get; set; }

        public bool ClosedByClient { get; set; }

        public TaskCompletionSource<long> Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
