using System.Buffers;
using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Protocols.MessagePack;

namespace Mycnet.Networking.Benchmarks.Protocols;

/// <summary>Writing and reading MessagePack primitives: expected 0 B allocated per operation.</summary>
[MemoryDiagnoser]
public class MessagePackPrimitiveBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private ReadOnlySequence<byte> _encoded;

    [GlobalSetup]
    public void Setup()
    {
        WritePrimitives();
        _encoded = new ReadOnlySequence<byte>(_buffer.WrittenSpan.ToArray());
    }

    /// <summary>An array of 8 primitives: nil, bool, small and large integers, float64, short string, timestamp.</summary>
    [Benchmark]
    public int WritePrimitives()
    {
        _buffer.ResetWrittenCount();
        var writer = new MessagePackWriter(_buffer);
        writer.WriteArrayHeader(8);
        writer.WriteNil();
        writer.Write(true);
        writer.Write(42);
        writer.Write(-123_456_789_012L);
        writer.Write(ulong.MaxValue);
        writer.Write(3.25);
        writer.Write("mycelium".AsSpan());
        writer.Write(new MessagePackTimestamp(1_700_000_000, 5));
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public long ReadPrimitives()
    {
        var reader = new MessagePackReader(_encoded);
        long sum = reader.ReadArrayHeader();
        reader.ReadNil();
        sum += reader.ReadBoolean() ? 1 : 0;
        sum += reader.ReadInt32();
        sum += reader.ReadInt64();
        sum += (long)(reader.ReadUInt64() & 1);
        sum += (long)reader.ReadDouble();
        sum += reader.ReadStringSequence().Length;
        sum += reader.ReadTimestamp().Nanoseconds;
        return sum;
    }
}
