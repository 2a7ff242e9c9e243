using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Streams;

namespace Mycnet.Networking.Testing.Quic;

/// <summary>
/// A test application: the client sends <c>bytesPerStream</c> bytes on each of <c>streamCount</c>
/// streams (opening more as the peer's stream limit allows); the server reads every stream and
/// checks each byte against a deterministic pattern, so transfers of any size are verified
/// byte-exact without keeping the data.
/// </summary>
internal sealed class BulkTransfer
{
    private readonly int _streamCount;
    private readonly long _bytesPerStream;
    private readonly Dictionary<ulong, long> _sent = [];
    private readonly Dictionary<ulong, long> _received = [];
    private readonly HashSet<ulong> _finishedReceiving = [];
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _opened;

    public BulkTransfer(int streamCount, long bytesPerStream)
    {
        _streamCount = streamCount;
        _bytesPerStream = bytesPerStream;
    }

    /// <summary>How often the client could not open a stream because of the peer's limit.</summary>
    public int OpenBlockedCount { get; private set; }

    /// <summary>The most streams the server was receiving at once.</summary>
    public int MaxConcurrentReceiving { get; private set; }

    /// <summary>Bytes the server has verified.</summary>
    public long BytesVerified { get; private set; }

    /// <summary>Every stream arrived complete and intact.</summary>
    public bool Completed => _finishedReceiving.Count == _streamCount;

    /// <summary>The first mismatch or protocol surprise, if any.</summary>
    public string? Error { get; private set; }

    /// <summary>The virtual time the last stream completed.</summary>
    public Instant CompletedAt { get; private set; }

    // The pattern repeats every PatternPeriod bytes (a prime, so no power-of-two misplacement
    // aliases), shifted per stream; a table makes writing and checking free of per-byte work.
    private const int PatternPeriod = 1_000_003;
    private static readonly byte[] PatternTable = CreatePatternTable();

    public static byte PatternByte(ulong streamId, long offset) => PatternTable[PatternIndex(streamId, offset)];

    private static int PatternIndex(ulong streamId, long offset) => (int)((offset + ((long)(streamId % PatternPeriod) * 7919)) % PatternPeriod);

    private static ReadOnlySpan<byte> PatternSlice(ulong streamId, long offset, int length) => PatternTable.AsSpan(PatternIndex(streamId, offset), length);

    private static byte[] CreatePatternTable()
    {
        var random = new Random(20261121);
        var table = new byte[PatternPeriod + (64 * 1024)];
        random.NextBytes(table.AsSpan(0, PatternPeriod));
        table.AsSpan(0, 64 * 1024).CopyTo(table.AsSpan(PatternPeriod));
        return table;
    }

    public void AttachClient(QuicSimHost host) => host.Activity = OnClientActivity;

    public void AttachServer(QuicSimHost host) => host.Activity = OnServerActivity;

    private void OnClientActivity(Connection connection, Instant now)
    {
        while (connection.TryPollEvent(out ConnectionEvent e))
        {
            if (e.Kind == ConnectionEventKind.StreamStopSending || e.Kind == ConnectionEventKind.StreamReset)
            {
                Error ??= $"Unexpected {e.Kind} on stream {e.StreamId} (code {e.ErrorCode}).";
            }
        }

        if (!connection.IsHandshakeComplete || connection.State != ConnectionState.Established)
        {
            return;
        }

        while (_opened < _streamCount)
        {
            if (!connection.TryOpenStream(bidirectional: false, out ulong id))
            {
                OpenBlockedCount++;
                break;
            }

            _opened++;
            _sent[id] = 0;
        }

        foreach (ulong id in _sent.Keys)
        {
            long offset = _sent[id];
            while (offset < _bytesPerStream)
            {
                int length = (int)Math.Min(64 * 1024, _bytesPerStream - offset);
                StreamWriteResult result = connection.WriteStream(id, PatternSlice(id, offset, length));
                offset += result.BytesWritten;
                if (result.BytesWritten < length)
                {
                    break;
                }
            }

            if (offset == _bytesPerStream && _sent[id] != offset)
            {
                connection.FinishStream(id);
            }

            _sent[id] = offset;
        }
    }

    /// <summary>Every event kind the server connection reported, in order.</summary>
    public List<ConnectionEventKind> ServerEvents { get; } = [];

    private void OnServerActivity(Connection connection, Instant now)
    {
        while (connection.TryPollEvent(out ConnectionEvent e))
        {
            ServerEvents.Add(e.Kind);
            if (e.Kind is ConnectionEventKind.StreamOpened or ConnectionEventKind.StreamReadable)
            {
                ReadStream(connection, (ulong)e.StreamId, now);
            }
        }
    }

    private void ReadStream(Connection connection, ulong id, Instant now)
    {
        if (_finishedReceiving.Contains(id))
        {
            return;
        }

        if (!_received.TryGetValue(id, out long offset))
        {
            _received[id] = 0;
            MaxConcurrentReceiving = Math.Max(MaxConcurrentReceiving, _received.Count - _finishedReceiving.Count);
        }

        while (true)
        {
            StreamReadResult result = connection.ReadStream(id, _readBuffer, now);
            if (result.BytesRead > 0 && !_readBuffer.AsSpan(0, result.BytesRead).SequenceEqual(PatternSlice(id, offset, result.BytesRead)) && Error is null)
            {
                int at = _readBuffer.AsSpan(0, result.BytesRead).CommonPrefixLength(PatternSlice(id, offset, result.BytesRead));
                Error = $"Stream {id}: byte {offset + at} is 0x{_readBuffer[at]:x2}, expected 0x{PatternByte(id, offset + at):x2}.";
            }

            offset += result.BytesRead;
            BytesVerified += result.BytesRead;
            if (result.Status == StreamReadStatus.Finished)
            {
                if (offset != _bytesPerStream)
                {
                    Error ??= $"Stream {id} finished after {offset} bytes, expected {_bytesPerStream}.";
                }

                _finishedReceiving.Add(id);
                if (Completed)
                {
                    CompletedAt = now;
                }

                break;
            }

            if (result.Status != StreamReadStatus.Data || result.BytesRead == 0)
            {
                if (result.Status == StreamReadStatus.Reset)
                {
                    Error ??= $"Stream {id} was reset with code {result.ErrorCode}.";
                }

                break;
            }
        }

        _received[id] = offset;
    }
}
