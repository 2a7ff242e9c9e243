using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Http3.Frames;
using Mycnet.Networking.Interop.Qpack;

namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>
/// An HTTP/3 endpoint of this project (server or client) on one end of an in-memory connection and
/// a raw peer on the other end that the test scripts byte by byte. Every wait has a timeout, so a
/// test that fails never hangs.
/// </summary>
internal sealed class RawPeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly CancellationTokenSource _stop = new();

    private RawPeer(InMemoryQuicConnection raw, InMemoryQuicConnection ours)
    {
        Raw = raw;
        Ours = ours;
    }

    /// <summary>The raw peer's end.</summary>
    public InMemoryQuicConnection Raw { get; }

    /// <summary>The end our HTTP/3 code runs on.</summary>
    public InMemoryQuicConnection Ours { get; }

    /// <summary>Set when our server runs: completes with the connection error it detected (or null).</summary>
    public Task<H3ConnectionException?>? ServerTask { get; private set; }

    /// <summary>Set when our client runs.</summary>
    public H3Client? Client { get; private set; }

    public static H3Options Options { get; } = new() { MaxHeadersFrameLength = 4096, MaxRequestContentLength = 10_000 };

    /// <summary>Our server, serving generated content (/bytes/N) and the files in <paramref name="root"/>.</summary>
    public static RawPeer StartServer(string? root = null)
    {
        (InMemoryQuicConnection client, InMemoryQuicConnection server) = InMemoryQuicConnection.CreatePair();
        var peer = new RawPeer(client, server);
        var h3 = new H3Server(new H3ContentSource(root, 1 << 24), Options);
        peer.ServerTask = h3.ServeAsync(server, TimeSpan.FromSeconds(5), peer._stop.Token);
        return peer;
    }

    /// <summary>Our client.</summary>
    public static async Task<RawPeer> StartClientAsync()
    {
        (InMemoryQuicConnection client, InMemoryQuicConnection server) = InMemoryQuicConnection.CreatePair();
        var peer = new RawPeer(server, client);
        peer.Client = await H3Client.StartAsync(client, "localhost", Options, CancellationToken.None).WaitAsync(Timeout);
        return peer;
    }

    /// <summary>Opens the raw peer's control stream and writes its type, SETTINGS and <paramref name="frames"/>.</summary>
    public async Task<InMemoryQuicStream> OpenControlAsync(params byte[][] frames)
    {
        InMemoryQuicStream control = Raw.OpenStream(bidirectional: false);
        await control.WriteAsync([0x00, .. Wire.Frame(0x04, Wire.SettingsPayload((0x01, 0), (0x07, 0)))]);
        foreach (byte[] frame in frames)
        {
            await control.WriteAsync(frame);
        }

        return control;
    }

    /// <summary>Opens a unidirectional stream of the raw peer and writes <paramref name="bytes"/>.</summary>
    public async Task<InMemoryQuicStream> OpenUniAsync(params byte[] bytes)
    {
        InMemoryQuicStream stream = Raw.OpenStream(bidirectional: false);
        await stream.WriteAsync(bytes);
        return stream;
    }

    /// <summary>Accepts our three unidirectional streams and returns them by stream type.</summary>
    public async Task<Dictionary<byte, InMemoryQuicStream>> AcceptOurCriticalStreamsAsync()
    {
        var streams = new Dictionary<byte, InMemoryQuicStream>();
        while (streams.Count < 3)
        {
            InMemoryQuicStream stream = await Raw.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(Timeout)
                ?? throw new InvalidOperationException("The connection closed before our critical streams arrived.");
            byte[] type = await stream.ReadExactlyAsync(1, CancellationToken.None).WaitAsync(Timeout);
            streams.Add(type[0], stream);
        }

        return streams;
    }

    /// <summary>Waits for the connection to close and returns the application error code.</summary>
    public Task<long> ClosedAsync() => Raw.Closed.WaitAsync(Timeout);

    /// <summary>Sends a request on a new raw stream (with FIN) and returns the stream.</summary>
    public async Task<InMemoryQuicStream> SendRequestAsync(params byte[][] frames)
    {
        InMemoryQuicStream stream = Raw.OpenStream(bidirectional: true);
        foreach (byte[] frame in frames)
        {
            await stream.WriteAsync(frame);
        }

        stream.CompleteWrites();
        return stream;
    }

    /// <summary>Reads a whole response from a raw request stream: decoded header sections and the content.</summary>
    public static async Task<(List<List<HttpField>> Sections, byte[] Content)> ReadResponseAsync(InMemoryQuicStream stream)
    {
        byte[] bytes = await stream.ReadToEndAsync(CancellationToken.None).WaitAsync(Timeout);
        var sections = new List<List<HttpField>>();
        using var content = new MemoryStream();
        int p = 0;
        while (p < bytes.Length)
        {
            Assert.True(H3FrameHeader.TryParse(bytes.AsSpan(p), out H3FrameHeader header, out int consumed), "truncated frame header");
            p += consumed;
            ReadOnlySpan<byte> payload = bytes.AsSpan(p, (int)header.Length);
            p += (int)header.Length;
            if (header.Type == H3FrameType.Headers)
            {
                var fields = new List<HttpField>();
                Assert.Equal(QpackDecodeStatus.Ok, QpackDecoder.Decode(payload, 1 << 20, fields, out _));
                sections.Add(fields);
            }
            else if (header.Type == H3FrameType.Data)
            {
                content.Write(payload);
            }
        }

        return (sections, content.ToArray());
    }

    /// <summary>Asserts the connection stays usable: a GET on a fresh raw stream gets a 200.</summary>
    public async Task AssertServerStillServesAsync()
    {
        InMemoryQuicStream stream = await SendRequestAsync(Wire.Headers(Wire.Get("/bytes/5")));
        (List<List<HttpField>> sections, byte[] content) = await ReadResponseAsync(stream);
        Assert.Contains(new HttpField(":status", "200"), sections[0]);
        Assert.Equal(new byte[5], content);
        Assert.False(Raw.IsClosed);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Raw.CloseAsync(0x100, CancellationToken.None);
        if (ServerTask is not null)
        {
            await ServerTask.WaitAsync(Timeout);
        }

        if (Client is not null)
        {
            await Client.DisposeAsync().AsTask().WaitAsync(Timeout);
        }

        _stop.Dispose();
    }
}
