// Design: control messages are small and rare, so they favour extensibility over compactness. Each is a
// two-element array [type, body] whose body is a map with small unsigned-integer keys; a reader skips keys it
// does not know (so later versions can add fields) and insists on the keys it needs. Enum fields travel as
// their numbers and are range-checked by the negotiator, which answers out-of-range values with a specific
// error code rather than a decoding failure.
//
//   Hello    [1, {0: version, 1: node id (bin 16), 2: node type, 3: capabilities, 4: proposed profile}]
//   HelloAck [2, {0: version, 1: node id (bin 16), 2: node type, 3: capabilities, 4: negotiated profile}]
//   Reject   [3, {0: error code, 1: reason (str)}]
//   capabilities {0: bandwidth class, 1: metered, 2: battery-constrained, 3: datagrams, 4: compression set,
//                 5: max message size, 6: min version, 7: max version}
using System.Buffers;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;

namespace Mycnet.Networking.Protocols.Negotiation;

/// <summary>Writes and reads control messages as MessagePack.</summary>
public static class ControlMessageCodec
{
    /// <summary>The largest encoded control message accepted (16 KiB).</summary>
    public const int MaxMessageLength = 16 * 1024;

    /// <summary>The longest reason string accepted, in UTF-8 bytes.</summary>
    public const int MaxReasonLength = 1024;

    private static readonly MessagePackReaderOptions Limits = new()
    {
        MaxDepth = 4,
        MaxCollectionLength = 64,
        MaxStringLength = MaxReasonLength,
        MaxBinaryLength = 1024,
        MaxExtensionLength = 1024,
    };

    /// <summary>Writes <paramref name="message"/>.</summary>
    public static void Write(IBufferWriter<byte> output, ControlMessage message)
    {
        var writer = new MessagePackWriter(output);
        WriteMessage(ref writer, message);
    }

    /// <summary>The formatter of control messages, for use inside other MessagePack documents or with <see cref="MessagePackSerializer"/>.</summary>
    public static IMessagePackFormatter<ControlMessage> Formatter { get; } = new ControlMessageFormatter();

    private static void WriteMessage(ref MessagePackWriter writer, ControlMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        writer.WriteArrayHeader(2);
        writer.Write((int)message.Type);
        switch (message)
        {
            case Hello hello:
                WriteNodeMessage(ref writer, hello.ProtocolVersion, hello.Node, hello.ProposedProfile);
                break;
            case HelloAck ack:
                WriteNodeMessage(ref writer, ack.ProtocolVersion, ack.Node, ack.Profile);
                break;
            case NegotiationReject reject:
                writer.WriteMapHeader(2);
                writer.Write(0);
                writer.Write((int)reject.Code);
                writer.Write(1);
                writer.Write(Truncate(reject.Reason));
                break;
            default:
                throw new ArgumentException($"Unknown control message {message.GetType().Name}.", nameof(message));
        }
    }

    /// <summary>Encodes <paramref name="message"/> into a new array.</summary>
    public static byte[] Encode(ControlMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Write(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads one control message that fills <paramref name="input"/>.</summary>
    /// <exception cref="MessagePackException">The input is not a well-formed control message.</exception>
    public static ControlMessage Read(ReadOnlySequence<byte> input)
    {
        if (input.Length > MaxMessageLength)
        {
            throw new MessagePackException(MessagePackError.LimitExceeded, 0, $"A control message is at most {MaxMessageLength} bytes, not {input.Length}.");
        }

        var reader = new MessagePackReader(input, Limits);
        ControlMessage message = ReadMessage(ref reader);
        reader.EnsureEnd();
        return message;
    }

    private static ControlMessage ReadMessage(ref MessagePackReader reader)
    {
        long start = reader.Consumed;
        int count = reader.ReadArrayHeader();
        if (count != 2)
        {
            throw Malformed(start, $"A control message is a 2-element array, not {count} elements.");
        }

        long typeOffset = reader.Consumed;
        uint type = reader.ReadUInt32();
        return type switch
        {
            (uint)ControlMessageType.Hello => ReadNodeMessage(ref reader, ControlMessageType.Hello),
            (uint)ControlMessageType.HelloAck => ReadNodeMessage(ref reader, ControlMessageType.HelloAck),
            (uint)ControlMessageType.Reject => ReadReject(ref reader),
            _ => throw Malformed(typeOffset, $"Unknown control message type {type}."),
        };
    }

    /// <summary>Reads one control message from contiguous memory.</summary>
    /// <exception cref="MessagePackException">The input is not a well-formed control message.</exception>
    public static ControlMessage Read(ReadOnlyMemory<byte> input) => Read(new ReadOnlySequence<byte>(input));

    private static void WriteNodeMessage(ref MessagePackWriter writer, ushort version, NodeInfo node, ProtocolProfileKind profile)
    {
        if (node?.Capabilities is null)
        {
            throw new ArgumentException("A Hello or HelloAck needs a node with capabilities.", nameof(node));
        }

        writer.WriteMapHeader(5);
        writer.Write(0);
        writer.Write(version);
        writer.Write(1);
        Span<byte> id = stackalloc byte[NodeId.Length];
        node.Id.WriteTo(id);
        writer.WriteBinary(id);
        writer.Write(2);
        writer.Write((int)node.Type);
        writer.Write(3);
        WriteCapabilities(ref writer, node.Capabilities);
        writer.Write(4);
        writer.Write((int)profile);
    }

    private static void WriteCapabilities(ref MessagePackWriter writer, NodeCapabilities capabilities)
    {
        writer.WriteMapHeader(8);
        writer.Write(0);
        writer.Write((int)capabilities.BandwidthClass);
        writer.Write(1);
        writer.Write(capabilities.IsMetered);
        writer.Write(2);
        writer.Write(capabilities.IsBatteryConstrained);
        writer.Write(3);
        writer.Write(capabilities.SupportsDatagrams);
        writer.Write(4);
        writer.Write((int)capabilities.Compression);
        writer.Write(5);
        writer.Write(capabilities.MaxMessageSize);
        writer.Write(6);
        writer.Write(capabilities.MinProtocolVersion);
        writer.Write(7);
        writer.Write(capabilities.MaxProtocolVersion);
    }

    private static ControlMessage ReadNodeMessage(ref MessagePackReader reader, ControlMessageType type)
    {
        long start = reader.Consumed;
        int entries = reader.ReadMapHeader();
        ushort version = 0;
        NodeId id = default;
        int nodeType = 0;
        NodeCapabilities? capabilities = null;
        int profile = 0;
        int seen = 0;
        for (int i = 0; i < entries; i++)
        {
            uint key = reader.ReadUInt32();
            switch (key)
            {
                case 0:
                    version = reader.ReadUInt16();
                    break;
                case 1:
                    id = ReadNodeId(ref reader);
                    break;
                case 2:
                    nodeType = reader.ReadInt32();
                    break;
                case 3:
                    capabilities = ReadCapabilities(ref reader);
                    break;
                case 4:
                    profile = reader.ReadInt32();
                    break;
                default:
                    reader.Skip(); // a field from a later version
                    continue;
            }

            seen |= 1 << (int)key;
        }

        RequireFields(seen, 0b1_1111, start, type.ToString());
        var node = new NodeInfo(id, (NodeType)nodeType, capabilities!);
        return type == ControlMessageType.Hello
            ? new Hello(version, node, (ProtocolProfileKind)profile)
            : new HelloAck(version, node, (ProtocolProfileKind)profile);
    }

    private static NodeCapabilities ReadCapabilities(ref MessagePackReader reader)
    {
        long start = reader.Consumed;
        int entries = reader.ReadMapHeader();
        int bandwidth = 0;
        bool metered = false, battery = false, datagrams = false;
        int compression = 0, maxMessage = 0;
        ushort minVersion = 0, maxVersion = 0;
        int seen = 0;
        for (int i = 0; i < entries; i++)
        {
            uint key = reader.ReadUInt32();
            switch (key)
            {
                case 0: bandwidth = reader.ReadInt32(); break;
                case 1: metered = reader.ReadBoolean(); break;
                case 2: battery = reader.ReadBoolean(); break;
                case 3: datagrams = reader.ReadBoolean(); break;
                case 4: compression = reader.ReadInt32(); break;
                case 5: maxMessage = reader.ReadInt32(); break;
                case 6: minVersion = reader.ReadUInt16(); break;
                case 7: maxVersion = reader.ReadUInt16(); break;
                default:
                    reader.Skip();
                    continue;
            }

            seen |= 1 << (int)key;
        }

        RequireFields(seen, 0b1111_1111, start, "capabilities");
        return new NodeCapabilities
        {
            BandwidthClass = (BandwidthClass)bandwidth,
            IsMetered = metered,
            IsBatteryConstrained = battery,
            SupportsDatagrams = datagrams,
            Compression = (CompressionAlgorithms)compression,
            MaxMessageSize = maxMessage,
            MinProtocolVersion = minVersion,
            MaxProtocolVersion = maxVersion,
        };
    }

    private static NegotiationReject ReadReject(ref MessagePackReader reader)
    {
        long start = reader.Consumed;
        int entries = reader.ReadMapHeader();
        int code = 0;
        string reason = string.Empty;
        int seen = 0;
        for (int i = 0; i < entries; i++)
        {
            uint key = reader.ReadUInt32();
            switch (key)
            {
                case 0: code = reader.ReadInt32(); break;
                case 1: reason = reader.ReadString(); break;
                default:
                    reader.Skip();
                    continue;
            }

            seen |= 1 << (int)key;
        }

        RequireFields(seen, 0b11, start, "Reject");
        return new NegotiationReject((NegotiationErrorCode)code, reason);
    }

    private static NodeId ReadNodeId(ref MessagePackReader reader)
    {
        long start = reader.Consumed;
        ReadOnlySequence<byte> bytes = reader.ReadBinary();
        if (bytes.Length != NodeId.Length)
        {
            throw Malformed(start, $"A node id is {NodeId.Length} bytes, not {bytes.Length}.");
        }

        Span<byte> id = stackalloc byte[NodeId.Length];
        bytes.CopyTo(id);
        return new NodeId(id);
    }

    private static void RequireFields(int seen, int required, long offset, string what)
    {
        int missing = required & ~seen;
        if (missing != 0)
        {
            throw Malformed(offset, $"The {what} map lacks field {System.Numerics.BitOperations.TrailingZeroCount(missing)}.");
        }
    }

    private static string Truncate(string reason)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(reason) <= MaxReasonLength)
        {
            return reason;
        }

        // Cut on a character boundary so the result stays valid UTF-8 within the limit.
        int length = Math.Min(reason.Length, MaxReasonLength / 3);
        if (length > 0 && char.IsHighSurrogate(reason[length - 1]))
        {
            length--;
        }

        return reason[..length];
    }

    private static MessagePackException Malformed(long offset, string message) =>
        new(MessagePackError.Malformed, offset, $"{message} (at byte offset {offset})");

    /// <summary>The codec as an <see cref="IMessagePackFormatter{T}"/>.</summary>
    private sealed class ControlMessageFormatter : IMessagePackFormatter<ControlMessage>
    {
        public void Serialize(ref MessagePackWriter writer, ControlMessage value) => WriteMessage(ref writer, value);

        public ControlMessage Deserialize(ref MessagePackReader reader) => ReadMessage(ref reader);
    }
}
