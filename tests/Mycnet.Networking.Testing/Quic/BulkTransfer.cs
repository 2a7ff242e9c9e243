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
    private readonly byte[] _writeBuffer = new byte[64 * 1024];
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private int _opened;

    public BulkTransfer(int streamCount, long bytesPerStream)
    {
        _streamCount = streamCount;
        _bytesPerStream = bytesPerStream;
    }

    /// <summary>Bytes the server has verified.</summary>
    public long BytesVerified { get; private set; }

    /// <summary>Every stream arrived complete and intact.</summary>
    public bool Completed => _finishedReceiving.Count == _streamCount;

    /// <summary>The first mismatch or protocol surprise, if any.</summary>
    public string? Error { get; private set; }

    /// <summary>The virtual time the last stream completed.</summary>
    public Instant CompletedAt { get; private set; }

    public static byte PatternByte(ulong streamId, long offset) => (byte)((offset * 131) + (offset >> 9) + ((long)streamId * 7));

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

        while (_opened < _streamCount && connection.TryOpenStream(bidirectional: false, out ulong id))
        {
            _opened++;
            _sent[id] = 0;
        }

        foreach (ulong id in _sent.Keys)
        {
            long offset = _sent[id];
            while (offset < _bytesPerStream)
            {
                int length = (int)Math.Min(_writeBuffer.Length, _bytesPerStream - offset);
                for (int i = 0; i < length; i++)
                {
                    _writeBuffer[i] = PatternByte(id, offset + i);
                }

                StreamWriteResult result = connection.WriteStream(id, _writeBuffer.AsSpan(0, length));
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

    private void OnServerActivity(Connection connection, Instant now)
    {
        while (connection.TryPollEvent(out ConnectionEvent e))
        {
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

        long offset = _received.GetValueOrDefault(id);
        while (true)
        {
            StreamReadResult result = connection.ReadStream(id, _readBuffer, now);
            for (int i = 0; i < result.BytesRead; i++)
            {
                if (_readBuffer[i] != PatternByte(id, offset + i) && Error is null)
                {
                    Error = $"Stream {id}: byte {offset + i} is 0x{_readBuffer[i]:x2}, expected 0x{PatternByte(id, offset + i):x2}.";
                }
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
