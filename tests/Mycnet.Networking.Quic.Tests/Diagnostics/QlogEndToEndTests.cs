using System.Globalization;
using System.Text.Json;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>qlog of real client and server core connections driven through the simulated network.</summary>
public sealed class QlogEndToEndTests
{
    [Fact]
    public async Task Qlog_Header_IsFirstAndNamesSchemaFormatVantagePointAndOdcid()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 11, bytes: 64 * 1024);

        foreach ((QlogFile log, string role) in new[] { (run.ClientLog, "client"), (run.ServerLog, "server") })
        {
            JsonElement header = log.Header;
            Assert.False(header.TryGetProperty("time", out _), "The first record is the file header, not an event.");
            Assert.Equal("urn:ietf:params:qlog:file:sequential", header.GetProperty("file_schema").GetString());
            Assert.Equal("application/qlog+json-seq", header.GetProperty("serialization_format").GetString());
            JsonElement trace = header.GetProperty("trace");
            Assert.Equal(role, trace.GetProperty("vantage_point").GetProperty("type").GetString());
            Assert.Contains("urn:ietf:params:qlog:events:quic-13", trace.GetProperty("event_schemas").EnumerateArray().Select(e => e.GetString()));
            JsonElement common = trace.GetProperty("common_fields");
            Assert.Equal(run.OriginalDcid, common.GetProperty("group_id").GetString());
            Assert.Equal("relative_to_epoch", common.GetProperty("time_format").GetString());
            JsonElement reference = common.GetProperty("reference_time");
            Assert.Equal("monotonic", reference.GetProperty("clock_type").GetString());
            Assert.Equal("unknown", reference.GetProperty("epoch").GetString());
            Assert.True(DateTimeOffset.TryParse(reference.GetProperty("wall_clock_time").GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _));
        }
    }

    [Fact]
    public async Task Qlog_Events_HaveTimeNameDataAndOnlyLowercaseFieldNames()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 12, bytes: 64 * 1024);

        foreach (QlogFile log in new[] { run.ClientLog, run.ServerLog })
        {
            AssertLowercaseNames(log.Header);
            foreach (JsonElement e in log.Events)
            {
                Assert.Equal(JsonValueKind.Number, e.GetProperty("time").ValueKind);
                string name = e.GetProperty("name").GetString()!;
                Assert.Matches("^(quic|loglevel):[a-z_0-9]+$", name);
                Assert.Equal(JsonValueKind.Object, e.GetProperty("data").ValueKind);
                AssertLowercaseNames(e);
            }
        }
    }

    [Fact]
    public async Task Qlog_EventTimes_StartAtZeroAndNeverDecrease()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 13, bytes: 256 * 1024, new LinkConditions { Latency = TimeSpan.FromMilliseconds(15), LossProbability = 0.02 });

        foreach (QlogFile log in new[] { run.ClientLog, run.ServerLog })
        {
            double[] times = [.. log.Events.Select(e => e.GetProperty("time").GetDouble())];
            Assert.Equal(0, times[0]);
            for (int i = 1; i < times.Length; i++)
            {
                Assert.True(times[i] >= times[i - 1], $"Event {i} at {times[i]} ms comes after one at {times[i - 1]} ms.");
            }

            Assert.True(times[^1] > 30, "Virtual time passed during the connection.");
        }
    }

    [Fact]
    public async Task Qlog_PacketSentAndReceivedCounts_MatchConnectionStatistics()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 14, bytes: 512 * 1024);

        Assert.Equal(run.ClientStats.PacketsSent, run.ClientLog.Count("quic:packet_sent"));
        Assert.Equal(run.ClientStats.PacketsReceived, run.ClientLog.Count("quic:packet_received"));
        Assert.Equal(run.ServerStats.PacketsSent, run.ServerLog.Count("quic:packet_sent"));
        Assert.Equal(run.ServerStats.PacketsReceived, run.ServerLog.Count("quic:packet_received"));
        Assert.True(run.ClientStats.PacketsSent > 300, $"A 512 KiB transfer takes hundreds of packets, not {run.ClientStats.PacketsSent}.");

        // raw.length is the whole packet: the sizes add up to the bytes the connection sent.
        long clientBytes = run.ClientLog.Named("quic:packet_sent").Sum(e => e.GetProperty("data").GetProperty("raw").GetProperty("length").GetInt64());
        Assert.Equal(run.ClientStats.BytesSent, clientBytes);
    }

    [Fact]
    public async Task Qlog_PacketEvents_ListFramesWithStreamIdsOffsetsAndAckRanges()
    {
        const long Bytes = 128 * 1024;
        QlogScenario run = await QlogScenario.RunAsync(seed: 15, bytes: Bytes);

        // The client's first packet is an Initial carrying the ClientHello from CRYPTO offset 0.
        JsonElement first = run.ClientLog.Named("quic:packet_sent").First().GetProperty("data");
        Assert.Equal("initial", first.GetProperty("header").GetProperty("packet_type").GetString());
        Assert.Equal(0, first.GetProperty("header").GetProperty("packet_number").GetInt64());
        JsonElement crypto = first.GetProperty("frames").EnumerateArray().Single(f => f.GetProperty("frame_type").GetString() == "crypto");
        Assert.Equal(0, crypto.GetProperty("offset").GetInt64());
        Assert.True(crypto.GetProperty("raw").GetProperty("length").GetInt32() > 100);

        // Every packet the client sent before closing, and every packet received, lists its frames.
        foreach (JsonElement e in SentBeforeClosing(run.ClientLog).Concat(run.ServerLog.Named("quic:packet_received")))
        {
            Assert.True(e.GetProperty("data").GetProperty("frames").GetArrayLength() > 0, e.ToString());
        }

        // STREAM frames carry stream id, offset and length; both sides see all the data.
        Assert.True(StreamBytes(run.ClientLog, "quic:packet_sent") >= Bytes);
        Assert.True(StreamBytes(run.ServerLog, "quic:packet_received") >= Bytes);
        JsonElement stream = Frames(run.ServerLog, "quic:packet_received", "stream").First();
        Assert.True(stream.TryGetProperty("stream_id", out _));
        Assert.True(stream.TryGetProperty("offset", out _));

        // Received ACKs list their ranges as [from, to] or [n]; the peer's ack_delay is in ms.
        JsonElement ack = Frames(run.ClientLog, "quic:packet_received", "ack").Last();
        JsonElement ranges = ack.GetProperty("acked_ranges");
        Assert.True(ranges.GetArrayLength() > 0);
        foreach (JsonElement range in ranges.EnumerateArray())
        {
            Assert.InRange(range.GetArrayLength(), 1, 2);
            if (range.GetArrayLength() == 2)
            {
                Assert.True(range[0].GetInt64() < range[1].GetInt64());
            }
        }

        Assert.True(ack.GetProperty("ack_delay").GetDouble() >= 0);

        // 1-RTT headers of received packets carry the key phase bit; long headers version and CIDs.
        JsonElement oneRtt = run.ServerLog.Named("quic:packet_received").Select(e => e.GetProperty("data").GetProperty("header")).First(h => h.GetProperty("packet_type").GetString() == "1RTT");
        Assert.False(oneRtt.GetProperty("key_phase_bit").GetBoolean());
        JsonElement initial = run.ServerLog.Named("quic:packet_received").First().GetProperty("data").GetProperty("header");
        Assert.Equal("initial", initial.GetProperty("packet_type").GetString());
        Assert.Equal("00000001", initial.GetProperty("version").GetString());
        Assert.Equal(run.OriginalDcid, initial.GetProperty("dcid").GetString());
    }

    [Fact]
    public async Task Qlog_LossyLink_RecordsEveryLostPacketWithItsFrames()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 16, bytes: 512 * 1024, new LinkConditions { Latency = TimeSpan.FromMilliseconds(10), LossProbability = 0.05 });

        Assert.True(run.ClientStats.PacketsLost > 0, "A 5% loss link loses some of hundreds of packets.");
        Assert.Equal(run.ClientStats.PacketsLost, run.ClientLog.Count("quic:packet_lost"));
        Assert.Equal(run.ServerStats.PacketsLost, run.ServerLog.Count("quic:packet_lost"));

        // Each lost packet was sent earlier under the same type and number, with the same frames.
        var sent = new Dictionary<(string?, long), JsonElement>();
        foreach (JsonElement e in run.ClientLog.Events)
        {
            string name = e.GetProperty("name").GetString()!;
            if (name is not ("quic:packet_sent" or "quic:packet_lost"))
            {
                continue;
            }

            JsonElement data = e.GetProperty("data");
            JsonElement header = data.GetProperty("header");
            var key = (header.GetProperty("packet_type").GetString(), header.GetProperty("packet_number").GetInt64());
            if (name == "quic:packet_sent")
            {
                sent[key] = data;
                continue;
            }

            Assert.Contains(key, sent);
            JsonElement original = sent[key];
            Assert.Equal(original.GetProperty("frames").ToString(), data.GetProperty("frames").ToString());
        }
    }

    [Fact]
    public async Task Qlog_ConnectionStartedAndParametersSet_DescribeTheConnection()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 17, bytes: 0);

        JsonElement started = run.ClientLog.Events[0];
        Assert.Equal("quic:connection_started", started.GetProperty("name").GetString());
        JsonElement local = started.GetProperty("data").GetProperty("local");
        JsonElement remote = started.GetProperty("data").GetProperty("remote");
        Assert.Equal("10.0.0.1", local.GetProperty("ip_v4").GetString());
        Assert.Equal(50000, local.GetProperty("port_v4").GetInt32());
        Assert.Equal("10.0.0.2", remote.GetProperty("ip_v4").GetString());
        Assert.Equal(4433, remote.GetProperty("port_v4").GetInt32());
        Assert.Equal(run.Client.InitialSourceConnectionId.ToString(), local.GetProperty("connection_ids")[0].GetString());
        Assert.Equal(run.OriginalDcid, remote.GetProperty("connection_ids")[0].GetString());

        JsonElement version = run.ClientLog.Named("quic:version_information").Single().GetProperty("data");
        Assert.Equal("00000001", version.GetProperty("chosen_version").GetString());

        // Ours at the start, the peer's when the handshake delivers them; the server's carry the ODCID.
        JsonElement[] parameters = [.. run.ClientLog.Named("quic:parameters_set").Select(e => e.GetProperty("data"))];
        Assert.Equal(2, parameters.Length);
        Assert.Equal("local", parameters[0].GetProperty("initiator").GetString());
        Assert.Equal(new TransportSettings().InitialMaxData, parameters[0].GetProperty("initial_max_data").GetInt64());
        Assert.Equal("remote", parameters[1].GetProperty("initiator").GetString());
        Assert.Equal(run.OriginalDcid, parameters[1].GetProperty("original_destination_connection_id").GetString());
        Assert.Equal(run.Server.InitialSourceConnectionId.ToString(), parameters[1].GetProperty("initial_source_connection_id").GetString());
        Assert.Equal(32, parameters[1].GetProperty("stateless_reset_token").GetString()!.Length);
    }

    [Fact]
    public async Task Qlog_StateUpdatesAndConnectionClosed_FollowHandshakeAndApplicationClose()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 18, bytes: 0);

        Assert.Equal(["attempted", "handshake_complete", "handshake_confirmed", "closing", "closed"], States(run.ClientLog));
        Assert.Equal(["attempted", "handshake_complete", "handshake_confirmed", "draining", "closed"], States(run.ServerLog));

        JsonElement clientClosed = run.ClientLog.Named("quic:connection_closed").Single().GetProperty("data");
        Assert.Equal("local", clientClosed.GetProperty("initiator").GetString());
        Assert.Equal("unknown", clientClosed.GetProperty("application_error").GetString());
        Assert.Equal((long)QlogScenario.CloseCode, clientClosed.GetProperty("error_code").GetInt64());
        Assert.Equal(QlogScenario.CloseReason, clientClosed.GetProperty("reason").GetString());
        Assert.Equal("application", clientClosed.GetProperty("trigger").GetString());

        JsonElement serverClosed = run.ServerLog.Named("quic:connection_closed").Single().GetProperty("data");
        Assert.Equal("remote", serverClosed.GetProperty("initiator").GetString());
        Assert.Equal((long)QlogScenario.CloseCode, serverClosed.GetProperty("error_code").GetInt64());

        // The server saw the CONNECTION_CLOSE frame itself.
        JsonElement close = Frames(run.ServerLog, "quic:packet_received", "connection_close").Single();
        Assert.Equal("application", close.GetProperty("error_space").GetString());
        Assert.Equal((long)QlogScenario.CloseCode, close.GetProperty("error_code").GetInt64());
        Assert.Equal(QlogScenario.CloseReason, close.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Qlog_RecoveryMetricsUpdated_ReportsRttInMillisecondsAndWindowInBytes()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 19, bytes: 128 * 1024, new LinkConditions { Latency = TimeSpan.FromMilliseconds(25) });

        JsonElement[] metrics = [.. run.ClientLog.Named("quic:recovery_metrics_updated").Select(e => e.GetProperty("data"))];
        Assert.NotEmpty(metrics);
        JsonElement withRtt = metrics.First(m => m.TryGetProperty("smoothed_rtt", out _));

        // 25 ms each way: an RTT of at least 50 ms, reported in ms, not ticks or seconds.
        Assert.InRange(withRtt.GetProperty("min_rtt").GetDouble(), 50, 200);
        Assert.InRange(withRtt.GetProperty("latest_rtt").GetDouble(), 50, 200);
        Assert.True(withRtt.TryGetProperty("rtt_variance", out _));
        Assert.True(metrics[0].GetProperty("congestion_window").GetInt64() >= 2400);
        Assert.Contains(metrics, m => m.TryGetProperty("bytes_in_flight", out _));

        // Only changes are logged: no event repeats every value of the one before.
        for (int i = 1; i < metrics.Length; i++)
        {
            Assert.NotEqual(metrics[i - 1].ToString(), metrics[i].ToString());
        }
    }

    [Fact]
    public async Task Qlog_KeyUpdate_IsRecordedAsLocalOnOneSideAndRemoteOnTheOther()
    {
        QlogScenario run = await QlogScenario.RunAsync(seed: 20, bytes: 32 * 1024, beforeClose: (pair, client, server) =>
        {
            pair.RunUntil(() => client.InitiateKeyUpdate(pair.Network.Now), TimeSpan.FromSeconds(5), "a key update allowed");
            client.Ping();
            pair.Network.Wake(pair.ClientNode);
            pair.RunUntil(() => server.KeyUpdateCount == 1, TimeSpan.FromSeconds(5), "the server following the key update");
        });

        JsonElement[] clientUpdates = [.. KeyUpdates(run.ClientLog).Where(k => k.GetProperty("trigger").GetString() != "tls")];
        Assert.Equal(2, clientUpdates.Length);
        Assert.All(clientUpdates, k => Assert.Equal("local_update", k.GetProperty("trigger").GetString()));
        Assert.All(clientUpdates, k => Assert.Equal(1, k.GetProperty("key_phase").GetInt64()));
        Assert.Equal(["client_1rtt_secret", "server_1rtt_secret"], clientUpdates.Select(k => k.GetProperty("key_type").GetString()));

        JsonElement[] serverUpdates = [.. KeyUpdates(run.ServerLog).Where(k => k.GetProperty("trigger").GetString() != "tls")];
        Assert.Equal(2, serverUpdates.Length);
        Assert.All(serverUpdates, k => Assert.Equal("remote_update", k.GetProperty("trigger").GetString()));

        // TLS-derived keys are announced by type, never by value.
        string[] tlsKeys = [.. KeyUpdates(run.ClientLog).Where(k => k.GetProperty("trigger").GetString() == "tls").Select(k => k.GetProperty("key_type").GetString()!)];
        Assert.Contains("client_handshake_secret", tlsKeys);
        Assert.Contains("server_1rtt_secret", tlsKeys);
        Assert.All(KeyUpdates(run.ClientLog), k => Assert.False(k.TryGetProperty("new", out _)));

        // After the update the server receives packets with the Key Phase bit set.
        Assert.Contains(run.ServerLog.Named("quic:packet_received"), e =>
            e.GetProperty("data").GetProperty("header").TryGetProperty("key_phase_bit", out JsonElement bit) && bit.GetBoolean());
    }

    internal static void AssertLowercaseNames(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Assert.True(property.Name == property.Name.ToLowerInvariant(), $"Field name {property.Name} is not lowercase (main schema §11.1).");
                    AssertLowercaseNames(property.Value);
                }

                break;
            case JsonValueKind.Array:
                foreach (JsonElement item in element.EnumerateArray())
                {
                    AssertLowercaseNames(item);
                }

                break;
        }
    }

    private static IEnumerable<JsonElement> SentBeforeClosing(QlogFile log) =>
        log.Events.TakeWhile(e => !(e.GetProperty("name").GetString() == "quic:connection_state_updated" && e.GetProperty("data").GetProperty("new").GetString() == "closing"))
            .Where(e => e.GetProperty("name").GetString() == "quic:packet_sent");

    private static IEnumerable<JsonElement> Frames(QlogFile log, string eventName, string frameType) =>
        log.Named(eventName)
            .Where(e => e.GetProperty("data").TryGetProperty("frames", out _))
            .SelectMany(e => e.GetProperty("data").GetProperty("frames").EnumerateArray())
            .Where(f => f.GetProperty("frame_type").GetString() == frameType);

    private static long StreamBytes(QlogFile log, string eventName) =>
        Frames(log, eventName, "stream").Sum(f => f.GetProperty("raw").GetProperty("length").GetInt64());

    private static string[] States(QlogFile log) =>
        [.. log.Named("quic:connection_state_updated").Select(e => e.GetProperty("data").GetProperty("new").GetString()!)];

    private static IEnumerable<JsonElement> KeyUpdates(QlogFile log) => log.Named("quic:key_updated").Select(e => e.GetProperty("data"));
}
