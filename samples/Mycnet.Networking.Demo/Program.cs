using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using Mycnet.Networking.Demo;
using Mycnet.Networking.Quic;

// A client and a server over loopback on the managed QUIC engine, through the public API: the
// handshake, a request on one stream, the server's answer of --bytes bytes, then the numbers.
//
//   dotnet run -c Release --project samples/Mycnet.Networking.Demo -- [--bytes N] [--offload auto|disabled]
long bytes = 10_000_000;
QuicUdpOffload offload = QuicUdpOffload.Auto;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--bytes" when i + 1 < args.Length:
            bytes = long.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--offload" when i + 1 < args.Length:
            offload = string.Equals(args[++i], "disabled", StringComparison.OrdinalIgnoreCase) ? QuicUdpOffload.Disabled : QuicUdpOffload.Auto;
            break;
        default:
            Console.Error.WriteLine("usage: Mycnet.Networking.Demo [--bytes N] [--offload auto|disabled]");
            return 2;
    }
}

var protocol = new SslApplicationProtocol("mycnet-demo");
using var certificates = new DemoCertificates();
string? qlogDirectory = Environment.GetEnvironmentVariable("QLOGDIR");
DateTime started = DateTime.UtcNow;

await using QuicListener listener = await QuicListener.ListenAsync(new QuicListenerOptions
{
    ListenEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
    ApplicationProtocols = [protocol],
    UdpOffload = offload,
    ConnectionOptions = new QuicServerConnectionOptions
    {
        ServerCertificate = certificates.Server,
        DefaultStreamErrorCode = 1,
        DefaultCloseErrorCode = 0,
    },
});
Console.WriteLine($"server   listening on {listener.LocalEndPoint} (UDP offload: {offload})");

Task<QuicConnectionStatistics> server = ServeAsync(listener, bytes);

var clock = Stopwatch.StartNew();
await using QuicConnection client = await QuicConnection.ConnectAsync(new QuicClientConnectionOptions
{
    RemoteEndPoint = listener.LocalEndPoint,
    TargetHost = "localhost",
    ApplicationProtocols = [protocol],
    TrustedRootCertificates = [certificates.Root],
    UdpOffload = offload,
    DefaultStreamErrorCode = 1,
    DefaultCloseErrorCode = 0,
});
TimeSpan handshake = clock.Elapsed;
Console.WriteLine($"client   connected {client.LocalEndPoint} -> {client.RemoteEndPoint} in {handshake.TotalMilliseconds:F2} ms ({client.NegotiatedApplicationProtocol}, {client.NegotiatedCipherSuite})");

await using QuicStream stream = await client.OpenOutboundStreamAsync(QuicStreamType.Bidirectional);
long allocatedBefore = GC.GetTotalAllocatedBytes();
int gen0Before = GC.CollectionCount(0);
clock.Restart();
await stream.WriteAsync("GET"u8.ToArray(), completeWrites: true);
byte[] buffer = new byte[256 * 1024];
long received = 0;
int n;
while ((n = await stream.ReadAsync(buffer)) > 0)
{
    received += n;
}

TimeSpan transfer = clock.Elapsed;
long allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
int gen0 = GC.CollectionCount(0) - gen0Before;
QuicConnectionStatistics serverStats = await server;
QuicConnectionStatistics stats = client.GetStatistics();
double gbps = received * 8 / transfer.TotalSeconds / 1e9;
Console.WriteLine($"client   received {received:N0} bytes in {transfer.TotalMilliseconds:F1} ms: {gbps:F2} Gbit/s");
Console.WriteLine($"rtt      min {stats.MinRtt.TotalMicroseconds:F0} us, smoothed {stats.SmoothedRtt.TotalMicroseconds:F0} us, variance {stats.RttVariance.TotalMicroseconds:F0} us");
Console.WriteLine($"client   packets sent {stats.PacketsSent:N0}, received {stats.PacketsReceived:N0}, lost {stats.PacketsLost:N0}; cwnd {stats.CongestionWindow:N0} bytes; path MTU {stats.PathMaxDatagramSize}");
Console.WriteLine($"process  allocated {allocated / 1024.0:N0} KiB during the transfer, {gen0} gen0 collections");
Console.WriteLine($"server   packets sent {serverStats.PacketsSent:N0} in {serverStats.UdpDatagramsSent:N0} datagrams by {serverStats.UdpSendCalls:N0} send calls, lost {serverStats.PacketsLost:N0}; cwnd {serverStats.CongestionWindow:N0} bytes; smoothed RTT {serverStats.SmoothedRtt.TotalMicroseconds:F0} us");
await client.CloseAsync(0);

if (string.IsNullOrEmpty(qlogDirectory))
{
    Console.WriteLine("qlog     none written; set QLOGDIR=<directory> to get one trace per connection");
}
else
{
    string[] traces = Directory.Exists(qlogDirectory)
        ? Array.FindAll(Directory.GetFiles(qlogDirectory), f => File.GetLastWriteTimeUtc(f) >= started)
        : [];
    Console.WriteLine(traces.Length > 0
        ? $"qlog     {string.Join(", ", traces)}"
        : $"qlog     QLOGDIR={qlogDirectory}, but this build wrote no trace there (the qlog writer is not wired to the driver yet)");
}

Console.WriteLine($"{{\"bytes\":{received},\"seconds\":{transfer.TotalSeconds.ToString("F4", CultureInfo.InvariantCulture)},\"gbps\":{gbps.ToString("F3", CultureInfo.InvariantCulture)},\"handshake_ms\":{handshake.TotalMilliseconds.ToString("F2", CultureInfo.InvariantCulture)}}}");
return 0;

static async Task<QuicConnectionStatistics> ServeAsync(QuicListener listener, long bytes)
{
    await using QuicConnection connection = await listener.AcceptConnectionAsync();
    await using QuicStream stream = await connection.AcceptInboundStreamAsync();
    byte[] request = new byte[16];
    while (await stream.ReadAsync(request) > 0)
    {
    }

    byte[] chunk = new byte[64 * 1024];
    long sent = 0;
    while (sent < bytes)
    {
        int length = (int)Math.Min(chunk.Length, bytes - sent);
        await stream.WriteAsync(chunk.AsMemory(0, length), completeWrites: sent + length == bytes);
        sent += length;
    }

    await stream.WritesClosed;
    return connection.GetStatistics();
}
