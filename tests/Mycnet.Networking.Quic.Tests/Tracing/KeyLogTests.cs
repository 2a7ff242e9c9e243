using System.Text.RegularExpressions;

namespace Mycnet.Networking.Quic.Tests.Tracing;

/// <summary>SSLKEYLOGFILE: the NSS key-log lines Wireshark needs, from every connection, one line at a time.</summary>
public sealed class KeyLogTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"mycnet-keylog-{Guid.NewGuid():N}.txt");

    [Fact]
    public async Task KeyLog_HasTheFourTrafficSecretsOfEachConnection_InNssFormat()
    {
        await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.KeyLogFilePath = _path);
        for (int i = 0; i < 3; i++)
        {
            (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, o => o.KeyLogFilePath = _path);
            await client.DisposeAsync();
            await server.DisposeAsync();
        }

        string[] lines = await File.ReadAllLinesAsync(_path);
        var format = new Regex("^(?:CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0) (?<random>[0-9a-f]{64}) (?:[0-9a-f]{64}|[0-9a-f]{96})$", RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1));
        Assert.All(lines, line => Assert.Matches(format, line));

        // Three connections, both ends logging: every secret twice (client and server agree), four labels each.
        var byRandom = lines.GroupBy(line => format.Match(line).Groups["random"].Value).ToList();
        Assert.Equal(3, byRandom.Count);
        Assert.All(byRandom, group =>
        {
            Assert.Equal(8, group.Count());
            Assert.Equal(4, group.Distinct(StringComparer.Ordinal).Count());
        });
    }

    public void Dispose() => File.Delete(_path);
}
