using System.Buffers;
using Mycnet.Networking.Protocols.Framing;
using Mycnet.Networking.Protocols.Tests.Support;

namespace Mycnet.Networking.Protocols.Tests.Framing;

public class LengthPrefixedFramingTests
{
    [Fact]
    public void Envelope_Framing_TryReadFrameWaitsForWholeFramesAcrossSegments()
    {
        byte[] stream = [0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 2, 9];
        for (int cut = 1; cut < stream.Length; cut++)
        {
            ReadOnlySequence<byte> buffer = Segments.SplitAt(stream, cut);
            Assert.True(LengthPrefixedFraming.TryReadFrame(ref buffer, 100, out ReadOnlySequence<byte> first));
            Assert.Equal(new byte[] { 1, 2, 3 }, first.ToArray());
            Assert.True(LengthPrefixedFraming.TryReadFrame(ref buffer, 100, out ReadOnlySequence<byte> empty));
            Assert.True(empty.IsEmpty);
            Assert.False(LengthPrefixedFraming.TryReadFrame(ref buffer, 100, out _)); // announces 2 bytes, holds 1
            Assert.Equal(5, buffer.Length); // left untouched
        }
    }

    [Fact]
    public void Envelope_Framing_OversizedFrameIsRejectedFromItsHeader()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0, 1, 0, 0 });
        Assert.Throws<FramingException>(() => LengthPrefixedFraming.TryReadFrame(ref buffer, 65535, out _));
    }

    [Fact]
    public async Task Envelope_Framing_StreamEndingInsideAFrameIsTruncated()
    {
        Assert.Null(await LengthPrefixedFraming.ReadFrameAsync(new MemoryStream([]), 100));
        var ex = await Assert.ThrowsAsync<FramingException>(async () => await LengthPrefixedFraming.ReadFrameAsync(new MemoryStream([0, 0]), 100));
        Assert.Contains("header", ex.Message, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<FramingException>(async () => await LengthPrefixedFraming.ReadFrameAsync(new MemoryStream([0, 0, 0, 5, 1]), 100));
        Assert.Contains("1 of 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Envelope_Framing_WriteThenReadRoundTrips()
    {
        var stream = new MemoryStream();
        await LengthPrefixedFraming.WriteFrameAsync(stream, new byte[] { 5, 6, 7 });
        await LengthPrefixedFraming.WriteFrameAsync(stream, ReadOnlyMemory<byte>.Empty);
        stream.Position = 0;
        Assert.Equal(new byte[] { 5, 6, 7 }, await LengthPrefixedFraming.ReadFrameAsync(stream, 10));
        Assert.Equal(Array.Empty<byte>(), await LengthPrefixedFraming.ReadFrameAsync(stream, 10));
        Assert.Null(await LengthPrefixedFraming.ReadFrameAsync(stream, 10));

        var writer = new ArrayBufferWriter<byte>();
        LengthPrefixedFraming.WriteHeader(writer, 258);
        Assert.Equal(new byte[] { 0, 0, 1, 2 }, writer.WrittenSpan.ToArray());
    }
}
