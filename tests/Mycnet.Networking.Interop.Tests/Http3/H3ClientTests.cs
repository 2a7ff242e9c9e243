using System.Security.Cryptography;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

/// <summary>Our client against a raw server scripted per test.</summary>
public sealed class H3ClientTests
{
    [Fact]
    public async Task Sends_a_get_with_fin_and_reads_interim_final_content_and_trailers()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/file", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);

        byte[] request = await stream.ReadToEndAsync(CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(Wire.Headers([.. Wire.Get("/file"), new("user-agent", "mycnet-interop")]), request);

        await stream.WriteAsync(Wire.Headers(new HttpField(":status", "103"), new HttpField("link", "</x>")));
        await stream.WriteAsync(Wire.Headers(new HttpField(":status", "200"), new HttpField("content-length", "6")));
        await stream.WriteAsync(Wire.Frame(0x21, 9, 9));
        await stream.WriteAsync(Wire.Frame(0x00, 1, 2, 3));
        await stream.WriteAsync(Wire.Frame(0x00));
        await stream.WriteAsync(Wire.Frame(0x00, 4, 5, 6));
        await stream.WriteAsync(Wire.Headers(new HttpField("x-checksum", "c")));
        stream.CompleteWrites();

        H3Response response = await get.WaitAsync(RawPeer.Timeout);
        Assert.Equal(200, response.Status);
        Assert.Equal(6, response.ContentLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData([1, 2, 3, 4, 5, 6])), response.ContentSha256);
        Assert.Equal([new HttpField("x-checksum", "c")], response.Trailers);
    }

    [Theory]
    [InlineData(4, "received 3 content bytes")]
    [InlineData(2, "exceeds its content-length")]
    public async Task Content_length_mismatch_is_h3_message_error_and_resets_the_stream(int declared, string reason)
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);
        await stream.WriteAsync([.. Wire.Headers(new HttpField(":status", "200"), new HttpField("content-length", declared.ToString(System.Globalization.CultureInfo.InvariantCulture))), .. Wire.Frame(0x00, 1, 2, 3)]);
        stream.CompleteWrites();

        H3StreamException e = await Assert.ThrowsAsync<H3StreamException>(() => get.WaitAsync(RawPeer.Timeout));
        Assert.Equal(H3ErrorCode.MessageError, e.ErrorCode);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal((long)H3ErrorCode.MessageError, stream.PeerStopCode);
        Assert.False(peer.Raw.IsClosed);
    }

    [Fact]
    public async Task Push_promise_is_h3_id_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);
        await stream.WriteAsync(Wire.Frame(0x05, 0x00, 0x00, 0x00));
        await Assert.ThrowsAsync<H3ConnectionException>(() => get.WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.IdError, await peer.ClosedAsync());
    }

    [Fact]
    public async Task Malformed_response_is_h3_message_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);
        await stream.WriteAsync(Wire.Headers(new HttpField(":status", "200"), new HttpField(":path", "/")));
        H3StreamException e = await Assert.ThrowsAsync<H3StreamException>(() => get.WaitAsync(RawPeer.Timeout));
        Assert.Equal(H3ErrorCode.MessageError, e.ErrorCode);
    }

    [Fact]
    public async Task Server_reset_surfaces_as_a_remote_stream_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);
        stream.AbortWrite((long)H3ErrorCode.RequestRejected);
        H3StreamException e = await Assert.ThrowsAsync<H3StreamException>(() => get.WaitAsync(RawPeer.Timeout));
        Assert.True(e.IsRemote);
        Assert.Equal(H3ErrorCode.RequestRejected, e.ErrorCode);
    }

    [Fact]
    public async Task Stream_ending_without_a_final_response_is_an_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        Task<H3Response> get = peer.Client!.GetAsync("/", null, CancellationToken.None);
        InMemoryQuicStream stream = await AcceptRequestAsync(peer);
        await stream.WriteAsync(Wire.Headers(new HttpField(":status", "100")));
        stream.CompleteWrites();
        H3StreamException e = await Assert.ThrowsAsync<H3StreamException>(() => get.WaitAsync(RawPeer.Timeout));
        Assert.Contains("before a final response", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_after_a_connection_error_fail_with_that_error()
    {
        await using RawPeer peer = await RawPeer.StartClientAsync();
        await peer.OpenUniAsync(0x02, 0x21);
        Assert.Equal((long)H3ErrorCode.QpackEncoderStreamError, await peer.ClosedAsync());
        H3ConnectionException e = await Assert.ThrowsAsync<H3ConnectionException>(() => peer.Client!.GetAsync("/", null, CancellationToken.None));
        Assert.Equal(H3ErrorCode.QpackEncoderStreamError, e.ErrorCode);
    }

    private static async Task<InMemoryQuicStream> AcceptRequestAsync(RawPeer peer)
    {
        while (true)
        {
            InMemoryQuicStream stream = await peer.Raw.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(RawPeer.Timeout)
                ?? throw new InvalidOperationException("closed");
            if (Interop.Http3.QuicStreamIds.IsBidirectional(stream.Id))
            {
                return stream;
            }
        }
    }
}
