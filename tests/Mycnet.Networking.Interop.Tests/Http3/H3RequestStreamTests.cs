using System.Text;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

/// <summary>Request streams (RFC 9114 §4.1) as our server sees a raw client.</summary>
public sealed class H3RequestStreamTests
{
    [Fact]
    public async Task Serves_a_huffman_coded_request_with_unknown_frames_around_it()
    {
        await using RawPeer peer = RawPeer.StartServer();

        // :method GET, :scheme https, :authority www.example.com (Huffman), :path /bytes/3 (Huffman).
        byte[] path = Encoding.ASCII.GetBytes("/bytes/3");
        byte[] huffmanPath = new byte[Interop.Qpack.HpackHuffman.GetEncodedLength(path)];
        Interop.Qpack.HpackHuffman.Encode(path, huffmanPath);
        byte[] section = [0x00, 0x00, 0xd1, 0xd7, 0x50, 0x8c, .. Hex.Parse("f1e3c2e5f23a6ba0ab90f4ff"), 0x51, (byte)(0x80 | huffmanPath.Length), .. huffmanPath];
        InMemoryQuicStream stream = await peer.SendRequestAsync(Wire.Frame(0x21, 1, 2, 3), Wire.Frame(0x01, section), Wire.Frame(0x1f * 9 + 0x21, new byte[300]));

        (List<List<HttpField>> sections, byte[] content) = await RawPeer.ReadResponseAsync(stream);
        Assert.Single(sections);
        Assert.Equal(new HttpField(":status", "200"), sections[0][0]);
        Assert.Contains(new HttpField("content-length", "3"), sections[0]);
        Assert.Equal(new byte[3], content);
    }

    [Fact]
    public async Task Missing_content_is_404_and_other_methods_are_405()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream missing = await peer.SendRequestAsync(Wire.Headers(Wire.Get("/nothing-here")));
        Assert.Contains(new HttpField(":status", "404"), (await RawPeer.ReadResponseAsync(missing)).Sections[0]);

        InMemoryQuicStream post = await peer.SendRequestAsync(Wire.Headers(new(":method", "POST"), new(":scheme", "https"), new(":authority", "a"), new(":path", "/bytes/1")));
        List<HttpField> headers = (await RawPeer.ReadResponseAsync(post)).Sections[0];
        Assert.Contains(new HttpField(":status", "405"), headers);
        Assert.Contains(new HttpField("allow", "GET, HEAD"), headers);
    }

    [Fact]
    public async Task Head_gets_headers_without_content()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream head = await peer.SendRequestAsync(Wire.Headers(new(":method", "HEAD"), new(":scheme", "https"), new(":authority", "a"), new(":path", "/bytes/100")));
        (List<List<HttpField>> sections, byte[] content) = await RawPeer.ReadResponseAsync(head);
        Assert.Contains(new HttpField("content-length", "100"), sections[0]);
        Assert.Empty(content);
    }

    [Fact]
    public async Task Request_content_and_trailers_are_read_and_discarded()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream stream = await peer.SendRequestAsync(
            Wire.Headers([.. Wire.Get("/bytes/2"), new("content-length", "5")]),
            Wire.Frame(0x00, 1, 2),
            Wire.Frame(0x00, 3, 4, 5),
            Wire.Headers(new HttpField("x-trailer", "1")));
        Assert.Equal(new byte[2], (await RawPeer.ReadResponseAsync(stream)).Content);
    }

    [Fact]
    public async Task Data_before_headers_is_h3_frame_unexpected()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.SendRequestAsync(Wire.Frame(0x00, 1), Wire.Headers(Wire.Get("/bytes/1")));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Frames_after_the_trailers_are_h3_frame_unexpected()
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.SendRequestAsync(Wire.Headers(Wire.Get("/bytes/1")), Wire.Headers(new HttpField("x-t", "1")), Wire.Frame(0x00, 1));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData(0x04UL)] // SETTINGS
    [InlineData(0x07UL)] // GOAWAY
    [InlineData(0x0dUL)] // MAX_PUSH_ID
    [InlineData(0x03UL)] // CANCEL_PUSH
    [InlineData(0x05UL)] // PUSH_PROMISE from a client
    [InlineData(0x08UL)] // HTTP/2 WINDOW_UPDATE
    public async Task Frames_that_do_not_belong_on_a_request_stream_are_h3_frame_unexpected(ulong type)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.SendRequestAsync(Wire.Frame(type, 0x00), Wire.Headers(Wire.Get("/bytes/1")));
        Assert.Equal((long)H3ErrorCode.FrameUnexpected, await peer.ClosedAsync());
    }

    [Theory]
    [InlineData("0100d1")] // Required Insert Count 1
    [InlineData("000080")] // dynamic indexed field line
    [InlineData("00001f")] // post-Base index (truncated integer)
    [InlineData("0000ff24")] // static index 99
    public async Task Undecodable_field_sections_are_qpack_decompression_failed(string hex)
    {
        await using RawPeer peer = RawPeer.StartServer();
        await peer.SendRequestAsync(Wire.Frame(0x01, Hex.Parse(hex)));
        Assert.Equal((long)H3ErrorCode.QpackDecompressionFailed, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Malformed_request_resets_the_stream_with_h3_message_error_and_the_connection_lives()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream bad = await peer.SendRequestAsync(Wire.Headers([.. Wire.Get("/bytes/1"), new("Upper-Case", "x")]));
        InMemoryStreamAbortedException e = await Assert.ThrowsAsync<InMemoryStreamAbortedException>(() => bad.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.MessageError, e.ErrorCode);
        Assert.Equal((long)H3ErrorCode.MessageError, bad.PeerStopCode);
        await peer.AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Request_content_length_mismatch_is_h3_message_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream bad = await peer.SendRequestAsync(Wire.Headers([.. Wire.Get("/bytes/1"), new("content-length", "3")]), Wire.Frame(0x00, 1));
        InMemoryStreamAbortedException e = await Assert.ThrowsAsync<InMemoryStreamAbortedException>(() => bad.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.MessageError, e.ErrorCode);
    }

    [Fact]
    public async Task Stream_that_ends_before_headers_is_h3_request_incomplete()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream empty = await peer.SendRequestAsync(Wire.Frame(0x21, 7));
        InMemoryStreamAbortedException e = await Assert.ThrowsAsync<InMemoryStreamAbortedException>(() => empty.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.RequestIncomplete, e.ErrorCode);
        await peer.AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Stream_that_ends_inside_a_frame_is_h3_frame_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        byte[] headers = Wire.Headers(Wire.Get("/bytes/1"));
        await peer.SendRequestAsync(headers[..^2]);
        Assert.Equal((long)H3ErrorCode.FrameError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Oversized_headers_frame_is_a_stream_error_h3_excessive_load()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream big = await peer.SendRequestAsync(Wire.Headers([.. Wire.Get("/bytes/1"), new("x-big", new string('a', 5000))]));
        InMemoryStreamAbortedException e = await Assert.ThrowsAsync<InMemoryStreamAbortedException>(() => big.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.ExcessiveLoad, e.ErrorCode);
        await peer.AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Request_content_over_the_limit_is_h3_excessive_load()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream big = await peer.SendRequestAsync(Wire.Headers(Wire.Get("/bytes/1")), Wire.Frame(0x00, new byte[RawPeer.Options.MaxRequestContentLength + 1]));
        InMemoryStreamAbortedException e = await Assert.ThrowsAsync<InMemoryStreamAbortedException>(() => big.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.ExcessiveLoad, e.ErrorCode);
    }

    [Fact]
    public async Task Client_reset_of_a_request_is_not_a_connection_error()
    {
        await using RawPeer peer = RawPeer.StartServer();
        InMemoryQuicStream stream = peer.Raw.OpenStream(bidirectional: true);
        await stream.WriteAsync(Wire.Headers(Wire.Get("/bytes/1"))[..3]);
        stream.AbortWrite((long)H3ErrorCode.RequestCancelled);
        await peer.AssertServerStillServesAsync();
    }
}
