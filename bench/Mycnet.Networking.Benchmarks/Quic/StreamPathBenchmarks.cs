using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Streams;
using Mycnet.Networking.Quic.Core.Wire;

namespace Mycnet.Networking.Benchmarks.Quic;

/// <summary>
/// The stream layer's data path (<see cref="StreamManager"/>): sending (application write →
/// poll a chunk per packet → STREAM header and data copied into the packet → acknowledged) and
/// receiving (STREAM frame → application read → flow-control credit sent and acknowledged).
/// Buffers are pooled segments, so the steady state must report 0 B allocated.
/// </summary>
[MemoryDiagnoser]
public class StreamPathBenchmarks
{
    private const int MaxFrameBytes = 1200;
    private readonly byte[] _packet = new byte[MaxFrameBytes];
    private readonly StreamChunk[] _chunks = new StreamChunk[64];
    private readonly byte[] _readBuffer = new byte[64 * 1024];
    private StreamManager _sender = null!;
    private StreamManager _receiver = null!;
    private byte[] _payload = null!;
    private byte[] _frameData = null!;
    private ulong _sendStream;
    private ulong _receiveOffset;
    private Instant _now = Instant.FromTicks(1_000_000);

    /// <summary>Bytes per application write (one packet's worth, or a larger write split into 14 packets).</summary>
    [Params(1100, 16384)]
    public int WriteSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new StreamManagerOptions
        {
            InitialConnectionReceiveWindow = 1 << 20,
            MaxConnectionReceiveWindow = 16 << 20,
            InitialStreamReceiveWindowBidiLocal = 1 << 18,
            InitialStreamReceiveWindowBidiRemote = 1 << 18,
            InitialStreamReceiveWindowUni = 1 << 18,
            MaxStreamReceiveWindow = 8 << 20,
            AutoTuneWindows = true,
            SendBufferLimit = 1 << 20,
            BufferSegmentSize = 4096,
        };
        var generous = new StreamTransportLimits(1UL << 50, 1UL << 50, 1UL << 50, 1UL << 50, 100, 100);

        _sender = new StreamManager(isServer: false, options);
        _sender.ApplyPeerTransportLimits(generous);
        if (!_sender.TryOpenStream(StreamDirection.Bidirectional, out _sendStream))
        {
            throw new InvalidOperationException("No stream.");
        }

        _receiver = new StreamManager(isServer: true, options);
        _receiver.ApplyPeerTransportLimits(generous);
        _payload = new byte[WriteSize];
        new Random(9).NextBytes(_payload);
        _frameData = new byte[Math.Min(WriteSize, 1150)];
        new Random(11).NextBytes(_frameData);

        long packets = 0;
        long read = 0;
        for (int i = 0; i < 5_000; i++)
        {
            packets += Send();
            read += Receive();
        }

        // The paths must move the data they claim to, or the benchmarks would measure nothing.
        if (_sender.ConnectionBytesSent != 5_000UL * (ulong)WriteSize || read != 5_000L * WriteSize || packets < 5_000)
        {
            throw new InvalidOperationException($"Harness off: sent {_sender.ConnectionBytesSent} bytes in {packets} frames, read {read}.");
        }
    }

    /// <summary>Write <see cref="WriteSize"/> bytes, pack them into STREAM frames of at most 1200 bytes, acknowledge every frame.</summary>
    [Benchmark]
    public int Send()
    {
        _sender.Write(_sendStream, _payload);
        int count = 0;
        while (count < _chunks.Length && _sender.TryPollStreamChunk(MaxFrameBytes, out StreamChunk chunk))
        {
            var writer = new WireWriter(_packet);
            StreamFrame.WriteHeader(ref writer, chunk.StreamId, chunk.Offset, chunk.Length, chunk.Fin, includeLength: true);
            _sender.CopyStreamData(chunk, writer.Free[..chunk.Length]);
            _chunks[count++] = chunk;
        }

        for (int i = 0; i < count; i++)
        {
            StreamChunk c = _chunks[i];
            _sender.OnStreamDataAcked(c.StreamId, c.Offset, c.Length, c.Fin);
        }

        Drain(_sender);
        return count;
    }

    /// <summary>Receive STREAM frames carrying <see cref="WriteSize"/> bytes in order, read them, send and acknowledge the credit updates.</summary>
    [Benchmark]
    public long Receive()
    {
        long read = 0;
        for (int remaining = WriteSize; remaining > 0; remaining -= _frameData.Length)
        {
            int length = Math.Min(remaining, _frameData.Length);
            _receiver.HandleStreamFrame(0, _receiveOffset, _frameData.AsSpan(0, length), fin: false);
            _receiveOffset += (ulong)length;
        }

        _now += TimeSpan.FromMicroseconds(100);
        StreamReadResult result;
        do
        {
            result = _receiver.Read(0, _readBuffer, _now, TimeSpan.FromMilliseconds(1));
            read += result.BytesRead;
        }
        while (result.Status == StreamReadStatus.Data && result.BytesRead > 0);

        Drain(_receiver);
        return read;
    }

    private static void Drain(StreamManager manager)
    {
        while (manager.TryPollControlFrame(MaxFrameBytes, out StreamControlFrame frame))
        {
            manager.OnControlFrameAcked(frame);
        }

        while (manager.TryPollEvent(out _))
        {
        }
    }
}
