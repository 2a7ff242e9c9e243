using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.MessagePack;

public class MessagePackFormatterTests
{
    /// <summary>An application payload type with a hand-written formatter, as applications are expected to write them.</summary>
    private sealed record Reading(string Sensor, double Value, MessagePackTimestamp At);

    private sealed class ReadingFormatter : IMessagePackFormatter<Reading>
    {
        public void Serialize(ref MessagePackWriter writer, Reading value)
        {
            writer.WriteArrayHeader(3);
            writer.Write(value.Sensor);
            writer.Write(value.Value);
            writer.Write(value.At);
        }

        public Reading Deserialize(ref MessagePackReader reader)
        {
            int count = reader.ReadArrayHeader();
            if (count != 3)
            {
                throw new MessagePackException(MessagePackError.Malformed, reader.Consumed, "a reading has 3 fields");
            }

            return new Reading(reader.ReadString(), reader.ReadDouble(), reader.ReadTimestamp());
        }
    }

    [Fact]
    public void MessagePack_ApplicationFormatter_RoundTripsThroughTheSerializer()
    {
        var reading = new Reading("soil-moisture", 0.42, new MessagePackTimestamp(1_700_000_000, 7));
        byte[] bytes = MessagePackSerializer.Serialize(reading, new ReadingFormatter());
        Assert.Equal(reading, MessagePackSerializer.Deserialize(bytes, new ReadingFormatter()));
        Assert.Equal(reading, MessagePackSerializer.Deserialize(Segments.Split(bytes, 2), new ReadingFormatter()));
    }

    [Fact]
    public void MessagePack_SerializerDeserialize_RejectsTrailingBytesAsMalformed()
    {
        byte[] bytes = [.. MessagePackSerializer.Serialize(new Reading("s", 1, default), new ReadingFormatter()), 0x00];
        var ex = Assert.Throws<MessagePackException>(() => MessagePackSerializer.Deserialize(bytes, new ReadingFormatter()));
        Assert.Equal(MessagePackError.Malformed, ex.Error);
    }

    [Fact]
    public void MessagePack_ControlMessageFormatter_NestsInsideAnotherDocument()
    {
        var hello = new Hello(1, TestNodes.Node(NodeType.Hyphae, 4), Protocols.Profiles.ProtocolProfileKind.Lightweight);
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write("envelope-of-control");
        ControlMessageCodec.Formatter.Serialize(ref writer, hello);

        var reader = new MessagePackReader(buffer.WrittenMemory);
        Assert.Equal(2, reader.ReadArrayHeader());
        Assert.Equal("envelope-of-control", reader.ReadString());
        Assert.Equal(hello, ControlMessageCodec.Formatter.Deserialize(ref reader));
        reader.EnsureEnd();
    }
}
