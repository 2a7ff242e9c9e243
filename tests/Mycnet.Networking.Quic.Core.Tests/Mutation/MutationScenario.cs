using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Quic.Core.Tests.Mutation;

/// <summary>
/// The application of a recorded exchange: after the handshake the client opens a few
/// unidirectional and bidirectional streams and writes a deterministic pattern on each, sends a few
/// DATAGRAM frames, updates keys, and closes with an application code once the server has verified
/// every byte and answered every bidirectional stream; the server verifies, answers, echoes
/// datagrams and may update keys itself. Every packet type and most frame types appear: CRYPTO,
/// ACK, STREAM (with and without offset, with FIN), MAX_DATA/MAX_STREAM_DATA, NEW_CONNECTION_ID,
/// HANDSHAKE_DONE, DATAGRAM, PING, CONNECTION_CLOSE, in Initial, Handshake and 1-RTT packets of
/// two key phases.
/// </summary>
internal sealed class MutationScenario
{
    /// <summary>The application error code of the final close.</summary>
    public const ulong CloseCode = 0x77;

    private readonly int _streams;
    private readonly int _bytesPerStream;
    private readonly int _responseBytes;
    private readonly int _datagrams;
    private readonly bool _clientKeyUpdate;
    private readonly bool _serverKeyUpdate;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly Dictionary<ulong, int> _clientWritten = [];
    private readonly Dictionary<ulong, long> _serverRead = [];
    private readonly Dictionary<ulong, long> _clientRead = [];
    private readonly HashSet<ulong> _serverFinished = [];
    private readonly HashSet<ulong> _clientFinished = [];
    private readonly HashSet<ulong> _finishedWriting = [];
    private int _datagramsSent;
    private bool _opened;
    private bool _clientKeyUpdated;
    private bool _serverKeyUpdated;

    public MutationScenario(Random random)
    {
        _streams = random.Next(1, 5);
        _bytesPerStream = random.Next(3) switch { 0 => random.Next(1, 200), 1 => random.Next(200, 3000), _ => random.Next(3000, 12000) };
        _responseBytes = random.Next(0, 2000);
        _datagrams = random.Next(0, 4);
        _clientKeyUpdate = random.Next(3) != 0;
        _serverKeyUpdate = random.Next(4) == 0;
    }

    public Connection? Client { get; set; }

    public Connection? Server { get; set; }

    /// <summary>Every byte arrived intact both ways, the datagrams arrived, keys were updated as planned, and the client closed.</summary>
    public bool Completed { get; private set; }

    /// <summary>The client called Close with <see cref="CloseCode"/>.</summary>
    public bool ClientClosed { get; private set; }

    /// <summary>Datagrams the server received intact.</summary>
    public int DatagramsReceived { get; private set; }

    /// <summary>The first wrong byte or unexpected stream event.</summary>
    public string? Error { get; private set; }

    /// <summary>Commands the engine refused (misuse exceptions), e.g. after a mutant reset a stream.</summary>
    public List<string> RefusedCommands { get; } = [];

    public static byte Pattern(ulong streamId, long offset) => (byte)((offset * 31) + (offset >> 8) + ((long)streamId * 13));

    public void OnClientActivity(Connection connection, Instant now)
    {
        if (connection != Client)
        {
            DrainEvents(connection);
            return;
        }

        while (connection.TryPollEvent(out ConnectionEvent e))
        {
            if (e.Kind is ConnectionEventKind.StreamReadable or ConnectionEventKind.StreamOpened && e.StreamId >= 0)
            {
                ReadAll(connection, (ulong)e.StreamId, now, _clientRead, _clientFinished, isServer: false);
            }
            else if (e.Kind is ConnectionEventKind.StreamReset or ConnectionEventKind.StreamStopSending)
            {
                Error ??= $"Client: unexpected {e.Kind} on stream {e.StreamId}.";
            }
        }

        if (!IsOpen(connection) || !connection.IsHandshakeConfirmed)
        {
            return;
        }

        if (!_opened)
        {
            _opened = true;
            for (int i = 0; i < _streams; i++)
            {
                if (Try(() => connection.TryOpenStream(bidirectional: i % 2 == 0, out ulong id) ? id : ulong.MaxValue, out ulong opened) && opened != ulong.MaxValue)
                {
                    _clientWritten[opened] = 0;
                }
            }
        }

        WriteStreams(connection);
        while (_datagramsSent < _datagrams && connection.DatagramsSupported)
        {
            byte[] datagram = new byte[16 + _datagramsSent];
            datagram.AsSpan().Fill((byte)(0xd0 + _datagramsSent));
            if (!Try(() => connection.TrySendDatagram(datagram), out bool queued) || !queued)
            {
                break;
            }

            _datagramsSent++;
        }

        if (_clientKeyUpdate && !_clientKeyUpdated && _finishedWriting.Count == _clientWritten.Count && Try(() => connection.InitiateKeyUpdate(now), out bool updated))
        {
            _clientKeyUpdated = updated;
        }

        bool serverDone = _serverFinished.Count == _clientWritten.Count && _clientWritten.Count == _streams;
        bool responsesDone = _clientFinished.Count == (_streams + 1) / 2;
        bool keysDone = (!_clientKeyUpdate || _clientKeyUpdated) && (!_serverKeyUpdate || _serverKeyUpdated);
        if (!ClientClosed && serverDone && responsesDone && keysDone && DatagramsReceived == _datagrams && Error is null)
        {
            Completed = true;
            ClientClosed = true;
            connection.Close(now, CloseCode, "done");
        }
    }

    public void OnServerActivity(Connection connection, Instant now)
    {
        if (Server is null && connection.IsHandshakeComplete && Client is { } client && connection.OriginalDestinationConnectionId == client.OriginalDestinationConnectionId)
        {
            Server = connection;
        }

        if (connection != Server)
        {
            DrainEvents(connection);
            return;
        }

        while (connection.TryPollEvent(out ConnectionEvent e))
        {
            switch (e.Kind)
            {
                case ConnectionEventKind.StreamOpened:
                case ConnectionEventKind.StreamReadable:
                    if (e.StreamId >= 0)
                    {
                        ReadAll(connection, (ulong)e.StreamId, now, _serverRead, _serverFinished, isServer: true);
                    }

                    break;
                case ConnectionEventKind.DatagramReceived:
                    while (connection.TryReadDatagram(out byte[] datagram))
                    {
                        if (datagram.Length >= 16 && datagram.AsSpan().IndexOfAnyExcept(datagram[0]) < 0)
                        {
                            DatagramsReceived++;
                        }
                        else
                        {
                            Error ??= "Server: a datagram arrived damaged.";
                        }
                    }

                    break;
                case ConnectionEventKind.StreamReset:
                case ConnectionEventKind.StreamStopSending:
                    Error ??= $"Server: unexpected {e.Kind} on stream {e.StreamId}.";
                    break;
            }
        }

        if (_serverKeyUpdate && !_serverKeyUpdated && IsOpen(connection) && _serverFinished.Count == _streams && Try(() => connection.InitiateKeyUpdate(now), out bool updated))
        {
            _serverKeyUpdated = updated;
        }
    }

    private static bool IsOpen(Connection connection) => connection.State is ConnectionState.Handshaking or ConnectionState.Established;

    private static void DrainEvents(Connection connection)
    {
        while (connection.TryPollEvent(out ConnectionEvent e))
        {
            if (e.Kind == ConnectionEventKind.DatagramReceived)
            {
                while (connection.TryReadDatagram(out _))
                {
                }
            }
        }
    }

    private void WriteStreams(Connection connection)
    {
        foreach (ulong id in _clientWritten.Keys.ToArray())
        {
            if (_finishedWriting.Contains(id))
            {
                continue;
            }

            int written = _clientWritten[id];
            while (written < _bytesPerStream)
            {
                int length = Math.Min(_buffer.Length, _bytesPerStream - written);
                for (int i = 0; i < length; i++)
                {
                    _buffer[i] = Pattern(id, written + i);
                }

                if (!Try(() => connection.WriteStream(id, _buffer.AsSpan(0, length)), out StreamWriteResult result) || result.Status != StreamWriteStatus.Accepted)
                {
                    _finishedWriting.Add(id);
                    break;
                }

                written += result.BytesWritten;
                if (result.BytesWritten < length)
                {
                    break;
                }
            }

            _clientWritten[id] = written;
            if (written == _bytesPerStream && !_finishedWriting.Contains(id) && Try(() => connection.FinishStream(id), out _))
            {
                _finishedWriting.Add(id);
            }
        }
    }

    private void ReadAll(Connection connection, ulong id, Instant now, Dictionary<ulong, long> progress, HashSet<ulong> finished, bool isServer)
    {
        if (finished.Contains(id) || !IsOpen(connection))
        {
            return;
        }

        long offset = progress.GetValueOrDefault(id);
        long expected = isServer ? _bytesPerStream : _responseBytes;
        while (true)
        {
            if (!Try(() => connection.ReadStream(id, _buffer, now), out StreamReadResult result))
            {
                finished.Add(id);
                return;
            }

            for (int i = 0; i < result.BytesRead; i++)
            {
                if (_buffer[i] != Pattern(id, offset + i))
                {
                    Error ??= $"{(isServer ? "Server" : "Client")}: stream {id} byte {offset + i} is wrong.";
                }
            }

            offset += result.BytesRead;
            if (result.Status == StreamReadStatus.Finished)
            {
                finished.Add(id);
                if (offset != expected)
                {
                    Error ??= $"Stream {id} ended after {offset} bytes, expected {expected}.";
                }

                if (isServer && (id & 0x2) == 0)
                {
                    Respond(connection, id);
                }

                break;
            }

            if (result.Status != StreamReadStatus.Data || result.BytesRead == 0)
            {
                if (result.Status == StreamReadStatus.Reset)
                {
                    finished.Add(id);
                    Error ??= $"Stream {id} was reset.";
                }

                break;
            }
        }

        progress[id] = offset;
    }

    private void Respond(Connection connection, ulong id)
    {
        byte[] response = new byte[_responseBytes];
        for (int i = 0; i < response.Length; i++)
        {
            response[i] = Pattern(id, i);
        }

        if (Try(() => connection.WriteStream(id, response), out StreamWriteResult result) && result.BytesWritten == response.Length)
        {
            Try(() => connection.FinishStream(id), out _);
        }
        else
        {
            Error ??= $"Server: the response on stream {id} did not fit.";
        }
    }

    /// <summary>Runs an application command; a refusal (the engine's misuse exceptions) is recorded, not thrown.</summary>
    private bool Try<T>(Func<T> command, out T result)
    {
        try
        {
            result = command();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            RefusedCommands.Add(e.Message);
            result = default!;
            return false;
        }
    }
}
