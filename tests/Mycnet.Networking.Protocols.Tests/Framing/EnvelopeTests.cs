using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.MessagePack;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Framing;

public class EnvelopeTests
{
    internal static byte[] Encode(EnvelopeSerializer serializer, object message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        switch (message)
        {
            case Envelope envelope: serializer.Serialize(buffer, envelope); break;
            case ErrorEnvelope error: serializer.Serialize(buffer, error); break;
            case BodyChunk chunk: serializer.Serialize(buffer, chunk); break;
            default: throw new ArgumentException("not an envelope", nameof(message));
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b) =>
        (a is null || a.Count == 0) ? (b is null || b.Count == 0) : b is not null && a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out string? v) && v == e.Value);

    internal static bool SameEnvelope(Envelope a, Envelope b) =>
        a.Kind == b.Kind && a.RequestId == b.RequestId && a.Operation == b.Operation && a.Flags == b.Flags
        && SameMetadata(a.Metadata, b.Metadata) && a.Payload.Span.SequenceEqual(b.Payload.Span);

    private static Gen<byte[]> Payloads() =>
        Gen.OneOf(
            Gen.Choose(0, 64).SelectMany(n => Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), n)),
            Gen.Choose(0, 20_000).Select(n => Enumerable.Range(0, n).Select(i => (byte)("mycelium "[i % 9])).ToArray()), // compressible
            Gen.Choose(1, 3000).Select(n => { var r = new Random(n); byte[] b = new byte[n]; r.NextBytes(b); return b; })); // incompressible

    private static Gen<Dictionary<string, string>?> Metadata() =>
        Gen.OneOf(
            Gen.Constant<Dictionary<string, string>?>(null),
            Gen.Choose(0, 6).Select(n => (Dictionary<string, string>?)Enumerable.Range(0, n).ToDictionary(i => "key-" + i + (i % 2 == 0 ? "é" : string.Empty), i => new string('v', i * 10), StringComparer.Ordinal)));

    private static Gen<PayloadCompressionSettings> CompressionSettings() =>
        Gen.Elements(
            PayloadCompressionSettings.Disabled,
            new PayloadCompressionSettings(CompressionAlgorithm.Deflate, CompressionLevel.Fastest, 0),
            new PayloadCompressionSettings(CompressionAlgorithm.Brotli, CompressionLevel.Fastest, 1024),
            new PayloadCompressionSettings(CompressionAlgorithm.Brotli, CompressionLevel.Optimal, 1),
            new PayloadCompressionSettings(CompressionAlgorithm.Deflate, CompressionLevel.SmallestSize, 4096));

    private static Gen<Envelope> Envelopes() =>
        from request in Gen.Elements(true, false)
        from high in Gen.Choose(0, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        from named in Gen.Elements(true, false)
        from code in Gen.Choose(0, int.MaxValue)
        from flags in Gen.Elements(EnvelopeFlags.None, EnvelopeFlags.Streaming, EnvelopeFlags.LossTolerant, EnvelopeFlags.Streaming | EnvelopeFlags.LossTolerant)
        from oneWay in Gen.Elements(true, false)
        from metadata in Metadata()
        from payload in Payloads()
        let id = ((ulong)high << 32) | (uint)low
        select request
            ? Envelope.CreateRequest(id, named ? OperationId.FromName("svc.op/" + code) : OperationId.FromCode((uint)code), payload, metadata, flags | (oneWay ? EnvelopeFlags.OneWay : EnvelopeFlags.None))
            : Envelope.CreateResponse(id, payload, metadata, flags);

    [Fact]
    public void Envelope_RequestsAndResponses_RoundTripUnderEveryCompressionSetting() =>
        Properties.Check(Prop.ForAll(Envelopes().ToArbitrary(), CompressionSettings().ToArbitrary(), Gen.Choose(1, 50).ToArbitrary(), (envelope, compression, segment) =>
        {
            var writer = new EnvelopeSerializer(compression: compression);
            var reader = new EnvelopeSerializer(); // the reader decompresses whatever the flags say, whatever its own settings
            byte[] bytes = Encode(writer, envelope);
            DecodedEnvelope whole = reader.Deserialize(bytes);
            DecodedEnvelope split = reader.Deserialize(Segments.Split(bytes, segment));
            return whole.Kind == envelope.Kind && SameEnvelope(envelope, whole.Envelope!) && SameEnvelope(envelope, split.Envelope!);
        }), maxTest: 300);

    [Fact]
    public void Envelope_ErrorsAndBodyChunks_RoundTrip() =>
        Properties.Check(Prop.ForAll(Gen.Choose(0, int.MaxValue).Zip(Payloads()).ToArbitrary(), Metadata().Zip(CompressionSettings()).ToArbitrary(), (t1, t2) =>
        {
            (int n, byte[] payload) = t1;
            (Dictionary<string, string>? metadata, PayloadCompressionSettings compression) = t2;
            var serializer = new EnvelopeSerializer(compression: compression);
            var error = new ErrorEnvelope((ulong)n * 3, (uint)n, "failed: " + n, metadata);
            var chunk = new BodyChunk((ulong)n, (uint)(n % 1000), n % 2 == 0, payload);
            ErrorEnvelope readError = serializer.Deserialize(Encode(serializer, error)).Error!;
            BodyChunk readChunk = serializer.Deserialize(Encode(serializer, chunk)).Chunk!;
            return readError.RequestId == error.RequestId && readError.Code == error.Code && readError.Message == error.Message && SameMetadata(error.Metadata, readError.Metadata)
                && readChunk.RequestId == chunk.RequestId && readChunk.Sequence == chunk.Sequence && readChunk.IsFinal == chunk.IsFinal && readChunk.Payload.Span.SequenceEqual(payload);
        }), maxTest: 200);

    [Fact]
    public void Envelope_Request_HasThePinnedWireFormat()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v" };
        Envelope request = Envelope.CreateRequest(300, OperationId.FromName("get"), new byte[] { 1, 2 }, metadata, EnvelopeFlags.OneWay);
        // [1, 300, "get", 16, {"k": "v"}, bin(01 02)]
        Assert.Equal("9601cd012ca3676574" + "10" + "81a16ba176" + "c4020102", Convert.ToHexStringLower(Encode(new EnvelopeSerializer(), request)));

        Envelope response = Envelope.CreateResponse(7, ReadOnlyMemory<byte>.Empty);
        Assert.Equal("950207" + "00" + "c0" + "c400", Convert.ToHexStringLower(Encode(new EnvelopeSerializer(), response)));

        var error = new ErrorEnvelope(7, EnvelopeErrorCode.OperationNotFound, "no");
        Assert.Equal("950307" + "02" + "a26e6f" + "c0", Convert.ToHexStringLower(Encode(new EnvelopeSerializer(), error)));

        var chunk = new BodyChunk(7, 1, true, new byte[] { 9 });
        Assert.Equal("950407" + "01" + "08" + "c40109", Convert.ToHexStringLower(Encode(new EnvelopeSerializer(), chunk)));
    }

    [Fact]
    public void Envelope_EveryTruncatedPrefix_IsRejectedAsTruncated()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["trace"] = "abc", ["user"] = "u1" };
        byte[] bytes = Encode(new EnvelopeSerializer(), Envelope.CreateRequest(1234567, OperationId.FromCode(42), new byte[300], metadata));
        for (int length = 0; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<EnvelopeException>(() => new EnvelopeSerializer().Deserialize(bytes.AsMemory(0, length)));
            Assert.Equal(EnvelopeErrorCode.ProtocolViolation, ex.Code);
            Assert.Equal(MessagePackError.Truncated, Assert.IsType<MessagePackException>(ex.InnerException).Error);
        }
    }

    [Theory]
    [InlineData("9609000000c0c400", "Unknown envelope kind 9")]
    [InlineData("96010000" + "cc80" + "c0c400", "Unknown envelope flags")]
    [InlineData("96010000" + "03" + "c0c400", "both DEFLATE- and Brotli")]
    [InlineData("96010000" + "08" + "c0c400", "not valid on this kind")] // EndOfBody on a request
    [InlineData("950200" + "10" + "c0c400", "not valid on this kind")] // OneWay on a response
    [InlineData("950400" + "00" + "04" + "c400", "not valid on this kind")] // Streaming on a chunk
    [InlineData("9401000000", "6 elements")]
    [InlineData("960100c3" + "00c0c400", "integer code or a string name")]
    [InlineData("960100a0" + "00c0c400", "1–256 characters")]
    [InlineData("96010000" + "00" + "82a16ba176a16ba177" + "c400", "appears twice")]
    [InlineData("96010000" + "01" + "c0" + "c403ffffff", "corrupt")] // a corrupt DEFLATE payload
    [InlineData("96010000" + "02" + "c0" + "c403ffffff", "corrupt")] // a corrupt Brotli payload
    [InlineData("96010000" + "00" + "c0" + "c400" + "c0", "unexpected byte")] // trailing bytes after the envelope
    [InlineData("90", "non-empty array")]
    [InlineData("a161", "Expected array")]
    public void Envelope_MalformedInput_IsAProtocolViolationWithAClearMessage(string hex, string messagePart)
    {
        var ex = Assert.Throws<EnvelopeException>(() => new EnvelopeSerializer().Deserialize(Convert.FromHexString(hex)));
        Assert.Equal(EnvelopeErrorCode.ProtocolViolation, ex.Code);
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Envelope_WithExtraTrailingElements_IsReadAndTheExtrasSkipped()
    {
        // A later version's request with two more elements: [1, 5, 6, 0, nil, bin(7), "extra", [1, 2]]
        byte[] bytes = Convert.FromHexString("98010506" + "00" + "c0" + "c40107" + "a56578747261" + "920102");
        Envelope envelope = new EnvelopeSerializer().Deserialize(bytes).Envelope!;
        Assert.Equal(5UL, envelope.RequestId);
        Assert.Equal(OperationId.FromCode(6), envelope.Operation);
        Assert.Equal(new byte[] { 7 }, envelope.Payload.ToArray());
    }

    [Fact]
    public void Envelope_OverLimits_IsPayloadTooLarge()
    {
        var options = new EnvelopeSerializerOptions { MaxPayloadLength = 1000, MaxMetadataEntries = 2, MaxMetadataKeyLength = 8, MaxMetadataValueLength = 16, MaxErrorMessageLength = 10 };
        var serializer = new EnvelopeSerializer(options);
        var big = new EnvelopeSerializer();

        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => serializer.Deserialize(Encode(big, Envelope.CreateResponse(1, new byte[1001])))).Code);
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => serializer.Deserialize(Encode(big, Envelope.CreateResponse(1, default, new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" })))).Code);
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => serializer.Deserialize(Encode(big, Envelope.CreateResponse(1, default, new Dictionary<string, string> { ["a-long-key"] = "1" })))).Code);
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => serializer.Deserialize(Encode(big, Envelope.CreateResponse(1, default, new Dictionary<string, string> { ["a"] = new string('x', 17) })))).Code);
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => serializer.Deserialize(Encode(big, new ErrorEnvelope(1, 1u, new string('x', 11))))).Code);
        serializer.Deserialize(Encode(big, Envelope.CreateResponse(1, new byte[1000]))); // exactly at the limit
    }

    [Theory]
    [InlineData(CompressionAlgorithm.Deflate)]
    [InlineData(CompressionAlgorithm.Brotli)]
    public void Envelope_CompressionBomb_IsStoppedAtThePayloadLimit(CompressionAlgorithm algorithm)
    {
        var sender = new EnvelopeSerializer(compression: new PayloadCompressionSettings(algorithm, CompressionLevel.SmallestSize, 0));
        byte[] bytes = Encode(sender, Envelope.CreateResponse(1, new byte[8 << 20])); // 8 MiB of zeros
        Assert.True(bytes.Length < 64 * 1024, $"the bomb is {bytes.Length} bytes");

        var receiver = new EnvelopeSerializer(new EnvelopeSerializerOptions { MaxPayloadLength = 1 << 20 });
        var ex = Assert.Throws<EnvelopeException>(() => receiver.Deserialize(bytes));
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, ex.Code);
    }

    [Fact]
    public void Envelope_Compression_AppliesFromTheThresholdAndOnlyWhenItShrinksThePayload()
    {
        var serializer = new EnvelopeSerializer(compression: new PayloadCompressionSettings(CompressionAlgorithm.Brotli, CompressionLevel.Fastest, 1024));
        byte[] text = Enumerable.Repeat((byte)'a', 4096).ToArray();
        byte[] small = Enumerable.Repeat((byte)'a', 1023).ToArray();
        byte[] noise = new byte[4096];
        new Random(5).NextBytes(noise);

        byte[] compressed = Encode(serializer, Envelope.CreateResponse(1, text));
        Assert.True(compressed.Length < 200);
        Assert.Equal((byte)EnvelopeFlags.Brotli, compressed[3]); // [2, 1, flags, …]
        Assert.Equal(0, Encode(serializer, Envelope.CreateResponse(1, small))[3]);
        Assert.Equal(0, Encode(serializer, Envelope.CreateResponse(1, noise))[3]);
        Assert.Equal(EnvelopeFlags.None, serializer.Deserialize(compressed).Envelope!.Flags); // the compression bits are the serializer's business
    }

    [Fact]
    public void Envelope_UncompressedPayloadInOneSegment_IsASliceOfTheInput()
    {
        byte[] bytes = Encode(new EnvelopeSerializer(), Envelope.CreateResponse(1, new byte[] { 1, 2, 3 }));
        Envelope envelope = new EnvelopeSerializer().Deserialize(bytes).Envelope!;
        Assert.True(MemoryMarshal.TryGetArray(envelope.Payload, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void Envelope_Factories_RejectFlagsTheSerializerOwns()
    {
        Assert.Throws<ArgumentException>(() => Envelope.CreateRequest(1, OperationId.FromCode(1), default, flags: EnvelopeFlags.Brotli));
        Assert.Throws<ArgumentException>(() => Envelope.CreateRequest(1, OperationId.FromCode(1), default, flags: EnvelopeFlags.EndOfBody));
        Assert.Throws<ArgumentException>(() => Envelope.CreateResponse(1, default, flags: EnvelopeFlags.OneWay));
        Assert.Throws<ArgumentException>(() => Envelope.CreateResponse(1, default, flags: (EnvelopeFlags)1024));
        Assert.ThrowsAny<ArgumentException>(() => OperationId.FromName(string.Empty));
        Assert.ThrowsAny<ArgumentException>(() => OperationId.FromName(new string('x', 257)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EnvelopeSerializer(new EnvelopeSerializerOptions { MaxPayloadLength = -1 }));
    }
}
