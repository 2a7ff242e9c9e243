using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Diagnostics;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>
/// One traced connection run end to end in virtual time: handshake, a bulk transfer from the
/// client, an application close by the client; then both qlog files parsed, next to the
/// connections' own statistics.
/// </summary>
internal sealed class QlogScenario
{
    public const ulong CloseCode = 0x17;
    public const string CloseReason = "done";

    private QlogScenario(QlogFile clientLog, QlogFile serverLog, Connection client, Connection server, ConnectionStats clientStats, ConnectionStats serverStats)
    {
        ClientLog = clientLog;
        ServerLog = serverLog;
        Client = client;
        Server = server;
        ClientStats = clientStats;
        ServerStats = serverStats;
    }

    public QlogFile ClientLog { get; }

    public QlogFile ServerLog { get; }

    public Connection Client { get; }

    public Connection Server { get; }

    public ConnectionStats ClientStats { get; }

    public ConnectionStats ServerStats { get; }

    public string OriginalDcid => Client.OriginalDestinationConnectionId.ToString();

    public static async Task<QlogScenario> RunAsync(int seed, long bytes, LinkConditions? conditions = null, Action<DiagnosticsSimPair, Connection, Connection>? beforeClose = null)
    {
        var capture = new QlogCapture();
        QlogWriter writer = new(QlogCapture.Options(capture));
        await using (writer.ConfigureAwait(false))
        {
            var pair = new DiagnosticsSimPair(seed, (isServer, odcid) => new QlogTracer(writer.CreateSink(), isServer, odcid), conditions);
            var clientTracer = new QlogTracer(writer.CreateSink(), isServer: false);
            if (bytes > 0)
            {
                pair.Transfer(clientTracer, streams: 2, bytes / 2, TimeSpan.FromSeconds(60));
            }
            else
            {
                pair.Handshake(clientTracer);
            }

            Connection client = pair.Client.Connections[0];
            Connection server = pair.ServerConnection!;
            beforeClose?.Invoke(pair, client, server);
            pair.CloseAndTerminate(client, server, CloseCode, CloseReason);

            // Both traces completed when their connections terminated; wait for the writer.
            await writer.FlushAsync().ConfigureAwait(false);
            Assert.True(clientTracer.IsCompleted);
            Assert.Equal(0, clientTracer.DroppedEvents);
            Assert.Equal(2, writer.FilesCompleted);

            string odcid = client.OriginalDestinationConnectionId.ToString();
            QlogFile clientLog = QlogFile.Parse(capture.Single($"/{odcid}_client.sqlog"));
            QlogFile serverLog = QlogFile.Parse(capture.Single($"/{odcid}_server.sqlog"));
            return new QlogScenario(clientLog, serverLog, client, server, client.GetStats(), server.GetStats());
        }
    }
}
