using System.Buffers;
using FsCheck;
using FsCheck.Fluent;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Negotiation;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Negotiation;

public class ControlMessageCodecTests
{
    private static Gen<ControlMessage> Messages() =>
        from kind in Gen.Choose(1, 3)
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        from type in Gen.Elements(NodeType.Sclerotia, NodeType.Rhizomorph, NodeType.Hyphae)
        from bandwidth in Gen.Elements(Enum.GetValues<BandwidthClass>())
        from flags in Gen.Choose(0, 7)
        from compression in Gen.Choose(0, 3)
        from size in Gen.Choose(NodeCapabilities.MinimumMaxMessageSize, int.MaxValue)
        from version in Gen.Choose(1, 65535)
        from profile in Gen.Elements(Enum.GetValues<ProtocolProfileKind>())
        from code in Gen.Elements(Enum.GetValues<NegotiationErrorCode>())
        from reason in Gen.Elements(string.Empty, "no", "versions 1–1 vs 2–3 🍄")
        select Build(kind, new NodeInfo(new NodeId((ulong)high, (ulong)low), type, new NodeCapabilities
        {
            BandwidthClass = bandwidth,
            IsMetered = (flags & 1) != 0,
            IsBatteryConstrained = (flags & 2) != 0,
            SupportsDatagrams = (flags & 4) != 0,
            Compression = (CompressionAlgorithms)compression,
            MaxMessageSize = size,
            MinProtocolVersion = 1,
            MaxProtocolVersion = (ushort)version,
        }), (ushort)version, profile, code, reason);

    private static ControlMessage Build(int kind, NodeInfo node, ushort version, ProtocolProfileKind profile, NegotiationErrorCode code, string reason) => kind switch
    {
        1 => new Hello(version, node, profile),
        2 => new HelloAck(version, node, profile),
        _ => new NegotiationReject(code, reason),
    };

    [Fact]
    public void Negotiation_ControlMessages_RoundTripThroughMessagePack() =>
        Properties.Check(Prop.ForAll(Messages().ToArbitrary(), message =>
        {
            byte[] bytes = ControlMessageCodec.Encode(message);
            return ControlMessageCodec.Read(bytes).Equals(message)
                && ControlMessageCodec.Read(Segments.Split(bytes, 3)).Equals(message);
        }), maxTest: 300);

    [Fact]
    public void Negotiation_EveryTruncatedHello_IsRejectedAsTruncated()
    {
        byte[] bytes = ControlMessageCodec.Encode(new Hello(1, TestNodes.Node(NodeType.Sclerotia, 5), ProtocolProfileKind.HighPerformance));
        for (int length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<MessagePackException>(() => ControlMessageCodec.Read(bytes.AsMemory(0, length)));
            Assert.Equal(MessagePackError.Truncated, ex.Error);
        }
    }

    [Fact]
    public void Negotiation_HelloWithUnknownExtraFields_IsReadAndTheFieldsSkipped()
    {
        // [1, {0: 1, 1: id, 2: 3, 3: caps, 4: 1, 99: [1, "future"]}] with caps holding an extra key 50 too.
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write(1);
        writer.WriteMapHeader(6);
        writer.Write(0); writer.Write(1);
        writer.Write(1); writer.WriteBinary(new byte[16] { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2 });
        writer.Write(99); writer.WriteArrayHeader(2); writer.Write(1); writer.Write("future");
        writer.Write(2); writer.Write(3);
        writer.Write(3);
        writer.WriteMapHeader(9);
        writer.Write(50); writer.Write("later");
        for (int key = 0; key < 8; key++)
        {
            writer.Write(key);
            switch (key)
            {
                case 1 or 2 or 3: writer.Write(key == 3); break;
                case 5: writer.Write(65536); break;
                default: writer.Write(key == 4 ? 3 : key == 0 ? 2 : 1); break;
            }
        }

        writer.Write(4); writer.Write(1);
        var hello = Assert.IsType<Hello>(ControlMessageCodec.Read(buffer.WrittenMemory));
        Assert.Equal(new NodeId(1, 2), hello.Node.Id);
        Assert.Equal(NodeType.Hyphae, hello.Node.Type);
        Assert.Equal(BandwidthClass.Cellular, hello.Node.Capabilities.BandwidthClass);
        Assert.True(hello.Node.Capabilities.SupportsDatagrams);
        Assert.Equal(65536, hello.Node.Capabilities.MaxMessageSize);
        Assert.Equal(ProtocolProfileKind.Lightweight, hello.ProposedProfile);
    }

    [Theory]
    [InlineData("9301a0a0", "2-element")] // three elements
    [InlineData("920980", "Unknown control message type 9")]
    [InlineData("9201810001", "lacks field 1")] // a Hello with only the version
    [InlineData("9203810001", "lacks field 1")] // a Reject without its reason
    [InlineData("920185000101c4020102020103800401", "node id is 16 bytes")]
    public void Negotiation_MalformedControlMessages_AreRejectedAsMalformed(string hex, string messagePart)
    {
        byte[] bytes = Convert.FromHexString(hex);
        var ex = Assert.Throws<MessagePackException>(() => ControlMessageCodec.Read(bytes));
        Assert.Equal(MessagePackError.Malformed, ex.Error);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negotiation_LongRejectReason_IsCutToTheLimitAndStillReads()
    {
        var reject = new NegotiationReject(NegotiationErrorCode.IncompatibleCapabilities, new string('é', 5000));
        var read = Assert.IsType<NegotiationReject>(ControlMessageCodec.Read(ControlMessageCodec.Encode(reject)));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(read.Reason) <= ControlMessageCodec.MaxReasonLength);
        Assert.StartsWith("éé", read.Reason, StringComparison.Ordinal);
    }
}
