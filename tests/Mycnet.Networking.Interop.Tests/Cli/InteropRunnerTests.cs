using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mycnet.Networking.Interop.Cli;
using Mycnet.Networking.Interop.Http3;
using Mycnet.Networking.Interop.Tests.Support;
using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Tests.Cli;

/// <summary>The client and server commands' logic over the in-memory QUIC binding.</summary>
public sealed class InteropRunnerTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("h3-interop-runner-");

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task Client_downloads_every_path_on_every_connection_and_prints_hashes()
    {
        DirectoryInfo root = _work.CreateSubdirectory("www");
        byte[] data = RandomNumberGenerator.GetBytes(300_000);
        await File.WriteAllBytesAsync(Path.Combine(root.FullName, "data.bin"), data);
        var quic = new InMemoryInteropQuic();
        using var stop = new CancellationTokenSource();
        var serverOutput = new StringWriter();
        Task<int> server = InteropServerRunner.RunAsync(quic, ServerOptions(root.FullName), serverOutput, stop.Token);

        var output = new StringWriter();
        string download = Path.Combine(_work.FullName, "dl");
        int exit = await InteropClientRunner.RunAsync(quic, ClientOptions(["/data.bin", "/bytes/1000"]) with { Connections = 3, KeyUpdate = true, DownloadDirectory = download }, output, CancellationToken.None).WaitAsync(RawPeer.Timeout);

        Assert.Equal(0, exit);
        Assert.Equal(3, quic.Connects);
        Assert.Equal(3, quic.KeyUpdates);
        Assert.Equal(data, await File.ReadAllBytesAsync(Path.Combine(download, "data.bin")));
        Assert.Equal(new byte[1000], await File.ReadAllBytesAsync(Path.Combine(download, "1000")));
        string text = output.ToString();
        Assert.Equal(3, CountOccurrences(text, $"{Convert.ToHexStringLower(SHA256.HashData(data))} 300000 200 /data.bin"));
        Assert.Contains("result: OK", text, StringComparison.Ordinal);

        await stop.CancelAsync();
        Assert.Equal(0, await server.WaitAsync(RawPeer.Timeout));
        Assert.Contains("listening on 127.0.0.1:4433", serverOutput.ToString(), StringComparison.Ordinal);
        Assert.Contains("stopped: 6 requests served, 0 connections with HTTP/3 errors", serverOutput.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_fails_when_a_response_is_not_200()
    {
        var quic = new InMemoryInteropQuic();
        using var stop = new CancellationTokenSource();
        Task<int> server = InteropServerRunner.RunAsync(quic, ServerOptions(null), TextWriter.Null, stop.Token);
        var output = new StringWriter();
        int exit = await InteropClientRunner.RunAsync(quic, ClientOptions(["/bytes/10", "/missing"]), output, CancellationToken.None).WaitAsync(RawPeer.Timeout);
        Assert.Equal(1, exit);
        Assert.Contains(" 404 /missing", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("result: FAILED", output.ToString(), StringComparison.Ordinal);
        await stop.CancelAsync();
        await server.WaitAsync(RawPeer.Timeout);
    }

    [Fact]
    public async Task Client_reports_a_connection_that_cannot_be_made()
    {
        var output = new StringWriter();
        int exit = await InteropClientRunner.RunAsync(new InMemoryInteropQuic(), ClientOptions(["/x"]) with { Connections = 2 }, output, CancellationToken.None);
        Assert.Equal(1, exit);
        Assert.Equal(2, CountOccurrences(output.ToString(), "FAILED: IOException: Nothing listens on port 4433."));
    }

    [Theory]
    [InlineData("/a/b/file.bin", "file.bin")]
    [InlineData("/bytes/1000?x=1", "1000")]
    [InlineData("/", "index.html")]
    [InlineData("/dir/..", "index.html")]
    public void Download_names_are_the_last_path_segment(string path, string name) =>
        Assert.Equal(name, InteropClientRunner.GetDownloadName(path));

    [Theory]
    [InlineData("https://localhost:4433/x?y", "/x?y")]
    [InlineData("/plain", "/plain")]
    public void Url_arguments_become_paths(string argument, string path) => Assert.Equal(path, ClientCommand.ToPath(argument));

    [Theory]
    [InlineData("localhost", 4433, "localhost:4433")]
    [InlineData("::1", 443, "[::1]:443")]
    [InlineData("127.0.0.1", 1, "127.0.0.1:1")]
    public void Authority_brackets_ipv6_literals(string host, int port, string authority) =>
        Assert.Equal(authority, InteropClientRunner.Authority(host, port));

    [Fact]
    public void Generated_certificates_chain_to_the_ca_for_every_loopback_name()
    {
        CertificateGenerator.Write(_work.FullName, TimeProvider.System);
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(Path.Combine(_work.FullName, CertificateGenerator.CaFile));
        using X509Certificate2 server = X509Certificate2.CreateFromPemFile(
            Path.Combine(_work.FullName, CertificateGenerator.CertificateFile),
            Path.Combine(_work.FullName, CertificateGenerator.KeyFile));
        Assert.True(server.HasPrivateKey);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        Assert.True(chain.Build(server), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));
        Assert.True(server.MatchesHostname("localhost"));
        Assert.True(server.MatchesHostname("127.0.0.1"));
        Assert.True(server.MatchesHostname("::1"));
        Assert.False(server.MatchesHostname("example.com"));

        // A CA that did not sign it is not trusted.
        using var otherChain = new X509Chain();
        otherChain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        otherChain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        DirectoryInfo other = _work.CreateSubdirectory("other");
        CertificateGenerator.Write(other.FullName, TimeProvider.System);
        otherChain.ChainPolicy.CustomTrustStore.ImportFromPemFile(Path.Combine(other.FullName, CertificateGenerator.CaFile));
        Assert.False(otherChain.Build(server));
        Assert.False(File.Exists(Path.Combine(_work.FullName, "ca.key")));
    }

    private static InteropServerOptions ServerOptions(string? root) => new()
    {
        Quic = new InteropServerSettings(new IPEndPoint(IPAddress.Loopback, 4433), null!, false, InteropCipher.Default, TimeSpan.FromSeconds(30), null, null),
        Content = new H3ContentSource(root, 1 << 20),
    };

    private static InteropClientOptions ClientOptions(string[] paths)
    {
        var roots = new X509Certificate2Collection();
        using var key = ECDsa.Create();
        roots.Add(new CertificateRequest("CN=test", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1)));
        return new InteropClientOptions
        {
            Quic = new InteropClientSettings(new IPEndPoint(IPAddress.Loopback, 4433), "localhost", roots, InteropCipher.Default, TimeSpan.FromSeconds(30), null, null),
            Paths = paths,
            ConnectionTimeout = TimeSpan.FromSeconds(15),
        };
    }

    private static int CountOccurrences(string text, string value)
    {
        int count = 0;
        for (int i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
