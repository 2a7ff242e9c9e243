using System.Buffers;
using BenchmarkDotNet.Attributes;
using Mycnet.Networking.Protocols.Framing;

namespace Mycnet.Networking.Benchmarks.Protocols;

/// <summary>Encoding and decoding request/response envelopes (no compression: the per-message cost of the codec itself).</summary>
[MemoryDiagnoser]
public class EnvelopeBenchmarks
{
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly EnvelopeSerializer _serializer = new();
    private Envelope _request = null!;
    private Envelope _responseWithMetadata = null!;
    private ReadOnlySequence<byte> _encodedRequest;
    private ReadOnlySequence<byte> _encodedResponseWithMetadata;

    /// <summary>Payload size in bytes.</summary>
    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] payload = new byte[PayloadSize];
        new Random(1).NextBytes(payload);
        _request = Envelope.CreateRequest(0x1234_5678, OperationId.FromCode(17), payload);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["trace-id"] = "0af7651916cd43dd8448eb211c80319c",
            ["tenant"] = "spore",
            ["deadline-ms"] = "250",
        };
        _responseWithMetadata = Envelope.CreateResponse(0x1234_5678, payload, metadata);
        _encodedRequest = Encode(_request);
        _encodedResponseWithMetadata = Encode(_responseWithMetadata);
    }

    [Benchmark]
    public int EncodeRequest()
    {
        _buffer.ResetWrittenCount();
        _serializer.Serialize(_buffer, _request);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int EncodeResponseWithMetadata()
    {
        _buffer.ResetWrittenCount();
        _serializer.Serialize(_buffer, _responseWithMetadata);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public ulong DecodeRequest() => _serializer.Deserialize(_encodedRequest).Envelope!.RequestId;

    [Benchmark]
    public ulong DecodeResponseWithMetadata() => _serializer.Deserialize(_encodedResponseWithMetadata).Envelope!.RequestId;

    private ReadOnlySequence<byte> Encode(Envelope envelope)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _serializer.Serialize(buffer, envelope);
        return new ReadOnlySequence<byte>(buffer.WrittenMemory);
    }
}
