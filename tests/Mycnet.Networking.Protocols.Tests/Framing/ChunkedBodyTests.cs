using System.Buffers;
using System.IO.Compression;
using Mycnet.Networking.Protocols.Adaptive;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.Nodes;
using Mycnet.Networking.Protocols.Profiles;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Framing;

public class ChunkedBodyTests
{
    [Fact]
    public void Envelope_BodyChunks_FollowTheCurrentChunkSizeChunkByChunk()
    {
        byte[] body = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();
        var writer = new ChunkedBodyWriter(9, Segments.Split(body, 777));
        int[] sizes = [4096, 1000, 1000, 8192];
        var chunks = new List<BodyChunk>();
        for (int i = 0; !writer.IsComplete; i++)
        {
            chunks.Add(writer.NextChunk(sizes[Math.Min(i, sizes.Length - 1)]));
        }

        Assert.Equal([4096, 1000, 1000, 3904], chunks.Select(c => c.Payload.Length));
        Assert.Equal([0u, 1u, 2u, 3u], chunks.Select(c => c.Sequence));
        Assert.Equal([false, false, false, true], chunks.Select(c => c.IsFinal));
        Assert.Throws<InvalidOperationException>(() => writer.NextChunk(10));

        var assembler = new ChunkedBodyAssembler(9, body.Length);
        foreach (BodyChunk chunk in chunks)
        {
            assembler.Add(chunk);
        }

        Assert.True(assembler.IsComplete);
        Assert.Equal(body, assembler.Body.ToArray());
    }

    [Fact]
    public void Envelope_EmptyBody_IsOneEmptyFinalChunk()
    {
        var writer = new ChunkedBodyWriter(1, ReadOnlyMemory<byte>.Empty);
        BodyChunk chunk = writer.NextChunk(100);
        Assert.True(chunk.IsFinal);
        Assert.Equal(0, chunk.Payload.Length);
        Assert.True(writer.IsComplete);
    }

    [Fact]
    public void Envelope_ChunksOfAnotherRequestOutOfOrderAfterTheEndOrTooLarge_AreRejected()
    {
        var assembler = new ChunkedBodyAssembler(5, 10);
        Assert.Equal(EnvelopeErrorCode.ProtocolViolation, Assert.Throws<EnvelopeException>(() => assembler.Add(new BodyChunk(6, 0, false, new byte[1]))).Code);
        Assert.Equal(EnvelopeErrorCode.ProtocolViolation, Assert.Throws<EnvelopeException>(() => assembler.Add(new BodyChunk(5, 1, false, new byte[1]))).Code);
        assembler.Add(new BodyChunk(5, 0, false, new byte[6]));
        Assert.Equal(EnvelopeErrorCode.PayloadTooLarge, Assert.Throws<EnvelopeException>(() => assembler.Add(new BodyChunk(5, 1, false, new byte[5]))).Code);
        Assert.True(assembler.Add(new BodyChunk(5, 1, true, new byte[4])));
        Assert.Equal(EnvelopeErrorCode.ProtocolViolation, Assert.Throws<EnvelopeException>(() => assembler.Add(new BodyChunk(5, 2, true, default))).Code);
        Assert.Equal(2u, assembler.ChunkCount);
    }

    [Fact]
    public async Task Envelope_StreamingBodyOverADuplexStream_ArrivesWholeWhileTheChunkSizeIsRetuned()
    {
        (Stream sender, Stream receiver) = DuplexStreamPair.Create();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        ProtocolProfile profile = ProtocolProfiles.Lightweight;
        byte[] body = Enumerable.Range(0, 300_000).Select(i => (byte)("spores and hyphae "[i % 18])).ToArray();

        // The sender's strategy re-tunes after each chunk as "measurements" come in.
        IAdaptiveStrategy strategy = AdaptiveStrategies.Get(AdaptiveStrategies.BandwidthBased);
        long[] throughputs = [200_000, 2_000_000, 20_000_000];
        var local = new NodeCapabilities { BandwidthClass = BandwidthClass.Cellular };
        var peer = new NodeCapabilities { BandwidthClass = BandwidthClass.Cellular };

        async Task SendAsync()
        {
            var serializer = new EnvelopeSerializer(compression: profile.Compression.ToPayloadSettings());
            var request = Envelope.CreateRequest(77, OperationId.FromName("upload"), ReadOnlyMemory<byte>.Empty, flags: EnvelopeFlags.Streaming);
            await WriteAsync(sender, serializer, request, cts.Token);
            var writer = new ChunkedBodyWriter(77, body);
            for (int i = 0; !writer.IsComplete; i++)
            {
                AdaptiveSettings settings = strategy.Recommend(new AdaptiveContext(profile, local, peer, new PathMeasurements(TimeSpan.FromMilliseconds(50), throughputs[i % throughputs.Length])));
                serializer.Compression = settings.Compression;
                await WriteAsync(sender, serializer, writer.NextChunk(settings.ChunkSize), cts.Token);
            }
        }

        Task sending = SendAsync();
        var reader = new EnvelopeSerializer(new EnvelopeSerializerOptions { MaxPayloadLength = 1 << 20 });
        byte[] first = (await LengthPrefixedFraming.ReadFrameAsync(receiver, 1 << 20, cts.Token))!;
        Envelope head = reader.Deserialize(first).Envelope!;
        Assert.Equal(OperationId.FromName("upload"), head.Operation);
        Assert.True((head.Flags & EnvelopeFlags.Streaming) != 0);

        var assembler = new ChunkedBodyAssembler(head.RequestId, 1 << 20);
        var wireSizes = new List<int>();
        while (!assembler.IsComplete)
        {
            byte[] frame = (await LengthPrefixedFraming.ReadFrameAsync(receiver, 1 << 20, cts.Token))!;
            wireSizes.Add(frame.Length);
            assembler.Add(reader.Deserialize(frame).Chunk!);
        }

        await sending;
        Assert.Equal(body, assembler.Body.ToArray());
        Assert.True(assembler.ChunkCount >= 3, $"{assembler.ChunkCount} chunks");
        Assert.True(wireSizes.Sum() < body.Length / 4, "the repetitive body should have travelled compressed");
    }

    private static async Task WriteAsync(Stream stream, EnvelopeSerializer serializer, object message, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>();
        if (message is Envelope envelope)
        {
            serializer.Serialize(buffer, envelope);
        }
        else
        {
            serializer.Serialize(buffer, (BodyChunk)message);
        }

        await LengthPrefixedFraming.WriteFrameAsync(stream, buffer.WrittenMemory, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }
}
