using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

public sealed class H3StreamReaderTests
{
    [Fact]
    public async Task Reads_varints_frames_and_payloads_across_tiny_reads()
    {
        byte[] bytes = [.. Wire.VarInt(0x00), .. Wire.Frame(0x04, Wire.SettingsPayload((0x06, 16384))), .. Wire.Frame(0x21, new byte[40]), .. Wire.Frame(0x07, 0x04)];
        var reader = new H3StreamReader(new TrickleStream(bytes, chunk: 1), bufferSize: 16);
        Assert.Equal(0UL, await reader.ReadVarIntAsync(default));
        H3FrameHeader? settings = await reader.ReadFrameHeaderAsync(default);
        Assert.Equal(H3FrameType.Settings, settings!.Value.Type);
        byte[] payload = await reader.ReadPayloadAsync((int)settings.Value.Length, default);
        Assert.Equal(Wire.SettingsPayload((0x06, 16384)), payload);
        H3FrameHeader? grease = await reader.ReadFrameHeaderAsync(default);
        await reader.SkipAsync(grease!.Value.Length, default);
        H3FrameHeader? goAway = await reader.ReadFrameHeaderAsync(default);
        Assert.Equal(new H3FrameHeader(0x07, 1), goAway);
        Assert.Equal([0x04], await reader.ReadPayloadAsync(1, default));
        Assert.Null(await reader.ReadFrameHeaderAsync(default));
    }

    [Fact]
    public async Task End_of_stream_inside_a_frame_is_h3_frame_error()
    {
        byte[] frame = Wire.Frame(0x00, new byte[10]);
        for (int cut = 1; cut < frame.Length; cut++)
        {
            var reader = new H3StreamReader(new TrickleStream(frame[..cut], chunk: 3));
            H3ConnectionException e = await Assert.ThrowsAsync<H3ConnectionException>(async () =>
            {
                H3FrameHeader? header = await reader.ReadFrameHeaderAsync(default);
                await reader.ReadPayloadAsync((int)header!.Value.Length, default);
            });
            Assert.Equal(H3ErrorCode.FrameError, e.ErrorCode);
        }
    }

    [Fact]
    public async Task Large_payloads_are_read_straight_through_without_buffering_them()
    {
        byte[] content = new byte[1 << 20];
        new Random(1).NextBytes(content);
        var reader = new H3StreamReader(new TrickleStream([.. Wire.VarInt(5), .. content], chunk: 100_000), bufferSize: 64);
        Assert.Equal(5UL, await reader.ReadVarIntAsync(default));
        byte[] received = new byte[content.Length];
        await reader.ReadExactlyAsync(received, default);
        Assert.Equal(content, received);
        Assert.Equal(0, await reader.ReadSomeAsync(new byte[1], default));
    }

    /// <summary>A read-only stream that returns at most <c>chunk</c> bytes per read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => data.Length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
