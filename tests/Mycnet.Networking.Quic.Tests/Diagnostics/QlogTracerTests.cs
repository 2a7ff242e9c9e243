using System.Net;
using System.Text.Json;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Core.Recovery;
using Mycnet.Networking.Quic.Core.Wire;
using Mycnet.Networking.Quic.Diagnostics;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>The qlog tracer on its own: frame descriptions, hostile input, allocation.</summary>
public sealed class QlogTracerTests
{
    private static readonly IPEndPoint Local = new(IPAddress.Parse("::ffff:127.0.0.1"), 4433);
    private static readonly IPEndPoint Remote = new(IPAddress.Parse("2001:db8::1"), 5000);
    private static readonly ConnectionId Odcid = new([0xab, 0xcd, 0xef, 0x01, 0x23, 0x45, 0x67, 0x89]);

    [Fact]
    public async Task Qlog_SentFrames_UseTheDraftFrameTypeNamesAndFields()
    {
        var capture = new QlogCapture();
        var writer = new QlogWriter(QlogCapture.Options(capture));
        await using (writer)
        {
            using var tracer = Start(writer, isServer: true);
            SentFrame[] frames =
            [
                SentFrame.Ping(), SentFrame.Ack(41), SentFrame.ResetStream(4, 7, 1000), SentFrame.StopSending(8, 9),
                SentFrame.Crypto(100, 50), SentFrame.NewToken(1), SentFrame.Stream(4, 2048, 1000, fin: true),
                SentFrame.MaxData(1 << 20), SentFrame.MaxStreamData(4, 1 << 16), SentFrame.MaxStreams(true, 100),
                SentFrame.MaxStreams(false, 3), SentFrame.DataBlocked(5000), SentFrame.StreamDataBlocked(4, 6000),
                SentFrame.StreamsBlocked(true, 10), SentFrame.NewConnectionId(2), SentFrame.RetireConnectionId(0),
                SentFrame.PathChallenge(0x0102030405060708), SentFrame.PathResponse(0x1112131415161718),
                SentFrame.HandshakeDone(), SentFrame.Datagram(300),
            ];
            tracer.OnPacketSent(Instant.FromTicks(TimeSpan.TicksPerMillisecond * 3 / 2), PacketNumberSpace.ApplicationData, 7, 1400, frames);
        }

        QlogFile log = QlogFile.Parse(capture.Single("abcdef0123456789_server.sqlog"));
        JsonElement data = log.Named("quic:packet_sent").Single().GetProperty("data");
        Assert.Equal(1.5, log.Named("quic:packet_sent").Single().GetProperty("time").GetDouble());
        Assert.Equal("1RTT", data.GetProperty("header").GetProperty("packet_type").GetString());
        Assert.Equal(7, data.GetProperty("header").GetProperty("packet_number").GetInt64());
        Assert.Equal(1400, data.GetProperty("raw").GetProperty("length").GetInt32());
        JsonElement[] f = [.. data.GetProperty("frames").EnumerateArray()];
        Assert.Equal(
            ["ping", "ack", "reset_stream", "stop_sending", "crypto", "new_token", "stream", "max_data", "max_stream_data", "max_streams",
             "max_streams", "data_blocked", "stream_data_blocked", "streams_blocked", "new_connection_id", "retire_connection_id",
             "path_challenge", "path_response", "handshake_done", "datagram"],
            f.Select(x => x.GetProperty("frame_type").GetString()));
        Assert.Equal(1000, f[2].GetProperty("final_size").GetInt64());
        Assert.Equal(7, f[2].GetProperty("error_code").GetInt64());
        Assert.Equal("unknown", f[3].GetProperty("error").GetString());
        Assert.Equal(100, f[4].GetProperty("offset").GetInt64());
        Assert.Equal(50, f[4].GetProperty("raw").GetProperty("length").GetInt32());
        Assert.Equal(4, f[6].GetProperty("stream_id").GetInt64());
        Assert.Equal(2048, f[6].GetProperty("offset").GetInt64());
        Assert.True(f[6].GetProperty("fin").GetBoolean());
        Assert.Equal(1000, f[6].GetProperty("raw").GetProperty("length").GetInt32());
        Assert.Equal(1 << 20, f[7].GetProperty("maximum").GetInt64());
        Assert.Equal("bidirectional", f[9].GetProperty("stream_type").GetString());
        Assert.Equal("unidirectional", f[10].GetProperty("stream_type").GetString());
        Assert.Equal(6000, f[12].GetProperty("limit").GetInt64());
        Assert.Equal(2, f[14].GetProperty("sequence_number").GetInt64());
        Assert.Equal("0102030405060708", f[16].GetProperty("data").GetString());
        Assert.Equal(300, f[19].GetProperty("raw").GetProperty("length").GetInt32());
    }

    [Fact]
    public async Task Qlog_ReceivedPayload_IsParsedIntoFramesWithAckRangesAndPadding()
    {
        var capture = new QlogCapture();
        var writer = new QlogWriter(QlogCapture.Options(capture));
        await using (writer)
        {
            using var tracer = Start(writer, isServer: false);
            byte[] payload = new byte[300];
            var w = new WireWriter(payload);
            PacketNumberRange[] ranges = [new(10, 12), new(5, 5), new(0, 2)];
            AckFrame.Write(ref w, ranges, 1000, new EcnCounts(4, 0, 1));
            StreamFrame.WriteHeader(ref w, streamId: 8, offset: 64, dataLength: 5, fin: false, includeLength: true);
            w.WriteBytes("hello"u8);
            new NewConnectionIdFrame(3, 1, new ConnectionId([7, 7, 7, 7]), new StatelessResetToken(new byte[16])).Write(ref w);
            ConnectionCloseFrame.Transport(0x0a, 0x08, "bad stream"u8).Write(ref w);
            int used = w.Position;
            tracer.OnPacketReceived(Instant.Zero, PacketNumberSpace.ApplicationData, 99, 340, [0x44, 1, 2, 3], payload.AsSpan(0, used + 20));
        }

        QlogFile log = QlogFile.Parse(capture.Single("abcdef0123456789_client.sqlog"));
        JsonElement data = log.Named("quic:packet_received").Single().GetProperty("data");
        Assert.True(data.GetProperty("header").GetProperty("key_phase_bit").GetBoolean());
        JsonElement[] f = [.. data.GetProperty("frames").EnumerateArray()];
        Assert.Equal(["ack", "stream", "new_connection_id", "connection_close", "padding"], f.Select(x => x.GetProperty("frame_type").GetString()));

        // ack_delay 1000 << 3 µs = 8 ms with the default exponent; ranges [from, to] or [n].
        Assert.Equal(8.0, f[0].GetProperty("ack_delay").GetDouble());
        Assert.Equal("[[10,12],[5],[0,2]]", f[0].GetProperty("acked_ranges").GetRawText());
        Assert.Equal(4, f[0].GetProperty("ect0").GetInt64());
        Assert.Equal(1, f[0].GetProperty("ce").GetInt64());
        Assert.Equal(64, f[1].GetProperty("offset").GetInt64());
        Assert.Equal(5, f[1].GetProperty("raw").GetProperty("length").GetInt32());
        Assert.Equal("07070707", f[2].GetProperty("connection_id").GetString());
        Assert.Equal(1, f[2].GetProperty("retire_prior_to").GetInt64());
        Assert.Equal("protocol_violation", f[3].GetProperty("error").GetString());
        Assert.Equal("transport", f[3].GetProperty("error_space").GetString());
        Assert.Equal(8, f[3].GetProperty("trigger_frame_type").GetInt64());
        Assert.Equal("bad stream", f[3].GetProperty("reason").GetString());
        Assert.Equal(20, f[4].GetProperty("raw").GetProperty("payload_length").GetInt32());
        Assert.Equal(340, data.GetProperty("raw").GetProperty("length").GetInt32());
    }

    [Fact]
    public async Task Qlog_HostilePayloads_NeverThrowAndStillMakeValidRecords()
    {
        var capture = new QlogCapture();
        var writer = new QlogWriter(QlogCapture.Options(capture));
        var random = new Random(1234);
        await using (writer)
        {
            using var tracer = Start(writer, isServer: true);
            byte[] buffer = new byte[1500];
            for (int i = 0; i < 3000; i++)
            {
                int length = random.Next(0, i % 10 == 0 ? 1500 : 64);
                random.NextBytes(buffer.AsSpan(0, length));

                // Half the time start with a valid-looking frame type so parsers go deeper.
                if (length > 0 && i % 2 == 0)
                {
                    buffer[0] = (byte)random.Next(0, 0x20);
                }

                int headerLength = random.Next(0, 40);
                byte[] header = new byte[headerLength];
                random.NextBytes(header);
                tracer.OnPacketReceived(Instant.FromTicks(i), (PacketNumberSpace)(i % 3), (ulong)i, length, header, buffer.AsSpan(0, length));
            }
        }

        QlogFile log = QlogFile.Parse(capture.Single("_server.sqlog"));
        Assert.Equal(3000, log.Count("quic:packet_received"));
        Assert.All(log.Named("quic:packet_received"), e => Assert.Equal(JsonValueKind.Array, e.GetProperty("data").GetProperty("frames").ValueKind));
    }

    [Fact]
    public async Task Qlog_ManyFramesInOnePacket_AreCappedAndCounted()
    {
        var capture = new QlogCapture();
        var writer = new QlogWriter(QlogCapture.Options(capture));
        await using (writer)
        {
            using var tracer = Start(writer, isServer: true);
            byte[] pings = new byte[1000];
            pings.AsSpan().Fill(0x01);
            tracer.OnPacketReceived(Instant.Zero, PacketNumberSpace.ApplicationData, 1, 1100, [0x40], pings);
        }

        JsonElement data = QlogFile.Parse(capture.Single("_server.sqlog")).Named("quic:packet_received").Single().GetProperty("data");
        Assert.Equal(QlogTracer.MaxLoggedFrames, data.GetProperty("frames").GetArrayLength());
        Assert.Equal(1000 - QlogTracer.MaxLoggedFrames, data.GetProperty("frames_omitted").GetInt32());
    }

    [Fact]
    public async Task Qlog_ConnectionStarted_MapsIpv4MappedAddressesToIpv4()
    {
        var capture = new QlogCapture();
        var writer = new QlogWriter(QlogCapture.Options(capture));
        await using (writer)
        {
            using QlogTracer tracer = Start(writer, isServer: true);
        }

        JsonElement data = QlogFile.Parse(capture.Single("_server.sqlog")).Named("quic:connection_started").Single().GetProperty("data");
        Assert.Equal("127.0.0.1", data.GetProperty("local").GetProperty("ip_v4").GetString());
        Assert.Equal(4433, data.GetProperty("local").GetProperty("port_v4").GetInt32());
        Assert.Equal("2001:db8::1", data.GetProperty("remote").GetProperty("ip_v6").GetString());
        Assert.Equal(5000, data.GetProperty("remote").GetProperty("port_v6").GetInt32());
    }

    [Fact]
    public async Task Qlog_SteadyStatePacketEvents_AllocateNothing()
    {
        var options = new QlogOptions
        {
            Directory = "/qlog",
            OpenStream = _ => Stream.Null,
            FlushInterval = Timeout.InfiniteTimeSpan,
            ChunkSize = 1024 * 1024,
            MaxBufferedBytesPerConnection = 8L * 1024 * 1024,
            MaxBufferedBytes = 8L * 1024 * 1024,
        };
        var writer = new QlogWriter(options);
        await using (writer)
        {
            using var tracer = Start(writer, isServer: false);
            SentFrame[] frames = [SentFrame.Ack(100), SentFrame.Stream(4, 0, 1100, false), SentFrame.MaxData(1 << 20)];
            byte[] payload = new byte[1200];
            var w = new WireWriter(payload);
            PacketNumberRange[] ranges = [new(50, 90), new(10, 40)];
            AckFrame.Write(ref w, ranges, 250, null);
            StreamFrame.WriteHeader(ref w, 1, 4096, 1000, false, includeLength: true);
            w.WriteZeros(1000);
            int payloadLength = w.Position;
            byte[] header = [0x40, 1, 2, 3, 4, 5, 6, 7, 8, 0x11];
            var rtt = new RttEstimator();
            long t = 0;

            void Run(int iterations)
            {
                for (int i = 0; i < iterations; i++)
                {
                    t += TimeSpan.TicksPerMillisecond;
                    var now = Instant.FromTicks(t);
                    tracer.OnPacketSent(now, PacketNumberSpace.ApplicationData, (ulong)i, 1200, frames);
                    tracer.OnPacketReceived(now, PacketNumberSpace.ApplicationData, (ulong)i, 1250, header, payload.AsSpan(0, payloadLength));
                    rtt.AddSample(TimeSpan.FromMilliseconds(20 + (i % 5)), TimeSpan.Zero, TimeSpan.FromMilliseconds(25), true, now);
                    tracer.OnMetricsUpdated(now, rtt, 20000 + i, 1200 * (i % 10));
                }
            }

            // Warm up (and fill the chunk pool), hand everything to the writer, then measure less
            // than one chunk's worth so no chunk changes hands while measuring.
            Run(2000);
            await writer.FlushAsync();
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(500);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(0, allocated);
            Assert.Equal(0, tracer.DroppedEvents);
        }
    }

    private static QlogTracer Start(QlogWriter writer, bool isServer)
    {
        var tracer = new QlogTracer(writer.CreateSink(), isServer);
        tracer.OnConnectionStarted(Instant.Zero, isServer, Odcid, new ConnectionId([1, 1, 1, 1]), new ConnectionId([2, 2, 2, 2]), Local, Remote);
        return tracer;
    }
}
