using System.Buffers;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Protocols.Tests.MessagePack;

/// <summary>Writing and reading primitives, and writing a plain envelope, allocate nothing once warmed up.</summary>
public class MessagePackAllocationTests
{
    private static readonly MessagePackTimestamp Timestamp = new(1_700_000_000, 123);

    private static void WritePrimitives(ArrayBufferWriter<byte> buffer, byte[] blob)
    {
        buffer.ResetWrittenCount();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(14);
        writer.WriteNil();
        writer.Write(true);
        writer.Write(7);
        writer.Write(-1000);
        writer.Write(ulong.MaxValue);
        writer.Write(long.MinValue);
        writer.Write(1.5f);
        writer.Write(Math.E);
        writer.Write("hyphae".AsSpan());
        writer.WriteString("rhizomorph"u8);
        writer.WriteBinary(blob);
        writer.WriteExtension(5, blob.AsSpan(0, 4));
        writer.Write(Timestamp);
        writer.WriteMapHeader(0);
    }

    private static long ReadPrimitives(ReadOnlySequence<byte> input)
    {
        var reader = new MessagePackReader(input);
        long sum = reader.ReadArrayHeader();
        reader.ReadNil();
        sum += reader.ReadBoolean() ? 1 : 0;
        sum += reader.ReadInt32();
        sum += reader.ReadInt64();
        sum += (long)(reader.ReadUInt64() >> 60);
        sum += reader.ReadInt64() >> 62;
        sum += (long)reader.ReadSingle();
        sum += (long)reader.ReadDouble();
        sum += reader.ReadStringSequence().Length;
        sum += reader.ReadStringSequence().Length;
        sum += reader.ReadBinary().Length;
        sum += reader.ReadExtension(out sbyte type).Length + type;
        sum += reader.ReadTimestamp().Nanoseconds;
        sum += reader.ReadMapHeader();
        reader.EnsureEnd();
        return sum;
    }

    private static long Measure(Action action)
    {
        for (int i = 0; i < 200; i++)
        {
            action(); // warm up: tiered JIT, static initialisers
        }

        return AllocationMeter.SteadyStateBytes(() =>
        {
            for (int i = 0; i < 1000; i++)
            {
                action();
            }
        });
    }

    [Fact]
    public void MessagePack_WritingPrimitives_AllocatesNothing()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        byte[] blob = new byte[64];
        Assert.Equal(0, Measure(() => WritePrimitives(buffer, blob)));
    }

    [Fact]
    public void MessagePack_ReadingPrimitives_AllocatesNothing()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        WritePrimitives(buffer, new byte[64]);
        var contiguous = new ReadOnlySequence<byte>(buffer.WrittenMemory);
        ReadOnlySequence<byte> segmented = Support.Segments.Split(buffer.WrittenSpan.ToArray(), 3);
        long expected = ReadPrimitives(contiguous);
        Assert.Equal(expected, ReadPrimitives(segmented));
        Assert.Equal(0, Measure(() => ReadPrimitives(contiguous)));
        Assert.Equal(0, Measure(() => ReadPrimitives(segmented)));
    }

    [Fact]
    public void Envelope_WritingWithoutCompression_AllocatesNothing()
    {
        var serializer = new EnvelopeSerializer();
        var buffer = new ArrayBufferWriter<byte>(4096);
        Envelope request = Envelope.CreateRequest(42, OperationId.FromCode(7), new byte[256]);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["trace-id"] = "0af7651916cd43dd8448eb211c80319c", ["tenant"] = "spore" };
        Envelope withMetadata = Envelope.CreateResponse(42, new byte[256], metadata);
        Assert.Equal(0, Measure(() =>
        {
            buffer.ResetWrittenCount();
            serializer.Serialize(buffer, request);
            serializer.Serialize(buffer, withMetadata);
        }));
    }
}
