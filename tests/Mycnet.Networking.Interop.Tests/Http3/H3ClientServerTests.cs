using System.Security.Cryptography;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Tests.Support;

namespace Mycnet.Networking.Interop.Tests.Http3;

/// <summary>Our client against our server over the in-memory connection.</summary>
public sealed class H3ClientServerTests : IDisposable
{
    private static readonly H3Options Options = new() { DataFrameSize = 16 * 1024 };
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("h3-interop-test-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Generated_content_arrives_with_the_hash_of_zeros()
    {
        await using Pair pair = await Pair.StartAsync(_root.FullName);
        H3Response response = await pair.Client.GetAsync("/bytes/1000000", null, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(200, response.Status);
        Assert.Equal(1_000_000, response.ContentLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(new byte[1_000_000])), response.ContentSha256);
    }

    [Fact]
    public async Task A_10_mb_file_is_transferred_intact_to_a_destination_stream()
    {
        byte[] data = new byte[10_000_000];
        new Random(10).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(_root.FullName, "big"), data);
        await using Pair pair = await Pair.StartAsync(_root.FullName);
        using var destination = new MemoryStream();
        H3Response response = await pair.Client.GetAsync("/big", destination, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), response.ContentSha256);
        Assert.Equal(data, destination.ToArray());
    }

    [Fact]
    public async Task Two_hundred_files_multiplex_over_one_connection()
    {
        var random = new Random(200);
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < 200; i++)
        {
            byte[] data = new byte[random.Next(1, 40_000)];
            random.NextBytes(data);
            string name = $"file{i:D3}";
            await File.WriteAllBytesAsync(Path.Combine(_root.FullName, name), data);
            expected[name] = Convert.ToHexStringLower(SHA256.HashData(data));
        }

        await using Pair pair = await Pair.StartAsync(_root.FullName);
        H3Response[] responses = await Task.WhenAll(expected.Keys.Select(name => pair.Client.GetAsync("/" + name, null, CancellationToken.None))).WaitAsync(RawPeer.Timeout);
        Assert.Equal(200, responses.Select(r => r.StreamId).Distinct().Count());
        foreach ((string name, H3Response response) in expected.Keys.Zip(responses))
        {
            Assert.Equal(expected[name], response.ContentSha256);
        }
    }

    [Theory]
    [InlineData("/../outside")]
    [InlineData("/%2e%2e/outside")]
    [InlineData("//etc/passwd")]
    [InlineData("/bytes/99999999999")]
    [InlineData("/bytes/-1")]
    public async Task Paths_outside_the_root_or_over_the_limit_are_404(string path)
    {
        await File.WriteAllTextAsync(Path.Combine(_root.Parent!.FullName, "outside"), "secret");
        await using Pair pair = await Pair.StartAsync(_root.FullName);
        H3Response response = await pair.Client.GetAsync(path, null, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(404, response.Status);
    }

    [Fact]
    public async Task Client_close_ends_the_server_connection_without_error()
    {
        Pair pair = await Pair.StartAsync(_root.FullName);
        await pair.Client.GetAsync("/bytes/1", null, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        await pair.Client.CloseAsync(CancellationToken.None);
        Assert.Null(await pair.Serve.WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.NoError, pair.ServerEnd.CloseCode);
        Assert.True(pair.ClientEnd.ClosedLocally);
        await pair.DisposeAsync();
    }

    [Fact]
    public async Task Server_shutdown_sends_goaway_lets_open_requests_finish_and_closes_with_no_error()
    {
        await using Pair pair = await Pair.StartAsync(_root.FullName);
        var firstBytes = new FirstWriteSignal();
        Task<H3Response> inFlight = pair.Client.GetAsync("/bytes/5000000", firstBytes, CancellationToken.None);
        await firstBytes.Written.WaitAsync(RawPeer.Timeout);
        await pair.Shutdown.CancelAsync();

        H3Response response = await inFlight.WaitAsync(RawPeer.Timeout);
        Assert.Equal(5_000_000, response.ContentLength);
        Assert.Null(await pair.Serve.WaitAsync(RawPeer.Timeout));
        Assert.Equal((long)H3ErrorCode.NoError, pair.ServerEnd.CloseCode);
        Assert.True(pair.ServerEnd.ClosedLocally);

        // GOAWAY names the first request stream the server did not accept: stream 4, after stream 0.
        Assert.Equal(4UL, await pair.Client.Connection.FirstGoAway.WaitAsync(RawPeer.Timeout));
        await Assert.ThrowsAnyAsync<Exception>(() => pair.Client.GetAsync("/bytes/1", null, CancellationToken.None));
    }

    /// <summary>A write-only sink that signals its first write.</summary>
    private sealed class FirstWriteSignal : MemoryStream
    {
        private readonly TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Written => _written.Task;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class Pair : IAsyncDisposable
    {
        private Pair(InMemoryQuicConnection clientEnd, InMemoryQuicConnection serverEnd, H3Client client, Task<H3ConnectionException?> serve, CancellationTokenSource shutdown)
        {
            ClientEnd = clientEnd;
            ServerEnd = serverEnd;
            Client = client;
            Serve = serve;
            Shutdown = shutdown;
        }

        public InMemoryQuicConnection ClientEnd { get; }

        public InMemoryQuicConnection ServerEnd { get; }

        public H3Client Client { get; }

        public Task<H3ConnectionException?> Serve { get; }

        public CancellationTokenSource Shutdown { get; }

        public static async Task<Pair> StartAsync(string root)
        {
            (InMemoryQuicConnection clientEnd, InMemoryQuicConnection serverEnd) = InMemoryQuicConnection.CreatePair();
            var shutdown = new CancellationTokenSource();
            var server = new H3Server(new H3ContentSource(root, 1 << 30), Options);
            Task<H3ConnectionException?> serve = server.ServeAsync(serverEnd, TimeSpan.FromSeconds(10), shutdown.Token);
            H3Client client = await H3Client.StartAsync(clientEnd, "localhost", Options, CancellationToken.None).WaitAsync(RawPeer.Timeout);
            return new Pair(clientEnd, serverEnd, client, serve, shutdown);
        }

        public async ValueTask DisposeAsync()
        {
            await Client.DisposeAsync();
            await Serve.WaitAsync(RawPeer.Timeout);
            Shutdown.Dispose();
        }
    }
}
