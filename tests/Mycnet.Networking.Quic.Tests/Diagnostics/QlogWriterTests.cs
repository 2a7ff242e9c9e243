using System.Text.Json;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Core;
using Mycnet.Networking.Quic.Diagnostics;
using Mycnet.Networking.Testing.Simulation;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>The background writer: files on disk, bounded buffering when it is slow, and failures.</summary>
public sealed class QlogWriterTests
{
    [Fact]
    public async Task Qlog_Directory_GetsOneFileNamedOdcidAndRolePerConnection()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mycnet-qlog-" + Guid.NewGuid().ToString("n"));
        try
        {
            var writer = new QlogWriter(new QlogOptions { Directory = directory });
            string odcid;
            await using (writer)
            {
                var pair = new DiagnosticsSimPair(seed: 31, (isServer, dcid) => new QlogTracer(writer.CreateSink(), isServer, dcid));
                (Connection client, Connection server) = pair.Handshake(new QlogTracer(writer.CreateSink(), isServer: false));
                odcid = client.OriginalDestinationConnectionId.ToString();
                pair.CloseAndTerminate(client, server, 0, "bye");
            }

            string[] files = [.. Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
            Assert.Equal([$"{odcid}_client.sqlog", $"{odcid}_server.sqlog"], files);
            foreach (string file in files)
            {
                byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(directory, file));

                // Schema and format are readable as plain text within the first 256 bytes (main schema §3).
                string start = System.Text.Encoding.UTF8.GetString(bytes, 0, 256);
                Assert.Contains("\"file_schema\":\"urn:ietf:params:qlog:file:sequential\"", start, StringComparison.Ordinal);
                Assert.Contains("\"serialization_format\":\"application/qlog+json-seq\"", start, StringComparison.Ordinal);
                QlogFile log = QlogFile.Parse(bytes);
                Assert.Equal("quic:connection_started", log.Events[0].GetProperty("name").GetString());
                Assert.Equal("closed", log.Events[^1].GetProperty("data").GetProperty("new").GetString());
            }
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Qlog_SameOdcidTwice_GetsASecondFileInsteadOfOverwriting()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mycnet-qlog-" + Guid.NewGuid().ToString("n"));
        try
        {
            var odcid = new ConnectionId([1, 2, 3, 4, 5, 6, 7, 8]);
            var writer = new QlogWriter(new QlogOptions { Directory = directory });
            await using (writer)
            {
                for (int i = 0; i < 2; i++)
                {
                    using var tracer = new QlogTracer(writer.CreateSink(), isServer: true, odcid);
                    tracer.OnPacketDropped(Instant.Zero, 100, "duplicate");
                }
            }

            string[] files = [.. Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
            Assert.Equal(["0102030405060708_server.sqlog", "0102030405060708_server_1.sqlog"], files);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Qlog_SlowWriter_BoundsBufferedBytesDropsEventsAndSaysHowMany()
    {
        var capture = new GatedCapture();
        const int Chunk = 4096;
        const long PerConnection = 16 * 1024;
        var options = new QlogOptions
        {
            Directory = "/qlog",
            OpenStream = capture.Open,
            FlushInterval = Timeout.InfiniteTimeSpan,
            ChunkSize = Chunk,
            MaxBufferedBytesPerConnection = PerConnection,
            MaxBufferedBytes = 2 * PerConnection,
        };
        var writer = new QlogWriter(options);
        await using (writer)
        {
            QlogTracer? serverTracer = null;
            var pair = new DiagnosticsSimPair(seed: 32, (isServer, odcid) => serverTracer = new QlogTracer(writer.CreateSink(), isServer, odcid));
            var clientTracer = new QlogTracer(writer.CreateSink(), isServer: false);
            long maxBuffered = 0;
            long maxHeld = 0;
            pair.Network.DatagramObserved += _ =>
            {
                maxBuffered = Math.Max(maxBuffered, writer.BufferedBytes);
                maxHeld = Math.Max(maxHeld, writer.HeldBytes);
            };

            try
            {
                // Nothing the writer takes is written during the transfer: it waits on a slow disk.
                pair.Transfer(clientTracer, streams: 1, 1024 * 1024, TimeSpan.FromSeconds(60));
                await capture.FirstWrite.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.True(clientTracer.DroppedEvents > 0, "The client produced far more than 16 KiB of events.");
                Assert.True(serverTracer!.DroppedEvents > 0);

                // Bounded: each connection's events by its budget (plus the record that crossed it), and
                // the chunk memory of both by the writer's budget (plus the chunk that crossed it).
                Assert.True(maxBuffered <= (2 * PerConnection) + (2 * 2048), $"{maxBuffered} bytes of events waited with a {PerConnection}-byte budget per connection.");
                Assert.True(maxHeld <= options.MaxBufferedBytes + (2 * Chunk), $"{maxHeld} bytes of chunks held with a {options.MaxBufferedBytes}-byte budget.");
                Assert.True(maxHeld >= PerConnection, "The budget was actually reached.");
            }
            finally
            {
                // Unblock (also when an assertion failed, so that disposing the writer can finish).
                capture.Release();
            }

            // Finish, and read what reached the files.
            Connection client = pair.Client.Connections[0];
            pair.CloseAndTerminate(client, pair.ServerConnection!, 0, "bye");
            await writer.FlushAsync();

            foreach ((string suffix, QlogTracer tracer) in new[] { ("_client.sqlog", clientTracer), ("_server.sqlog", serverTracer) })
            {
                QlogFile log = QlogFile.Parse(capture.Single(suffix));
                Assert.Equal("urn:ietf:params:qlog:file:sequential", log.Header.GetProperty("file_schema").GetString());
                JsonElement[] warnings = [.. log.Named("loglevel:warning").Select(e => e.GetProperty("data"))];
                Assert.NotEmpty(warnings);
                Assert.Equal(tracer.DroppedEvents, warnings.Sum(w => w.GetProperty("dropped_events").GetInt64()));
                Assert.Contains("dropped", warnings[0].GetProperty("message").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, writer.BufferedBytes);
        Assert.Equal(0, writer.HeldBytes);
    }

    [Fact]
    public async Task Qlog_ManyQuietConnections_HoldNoMoreChunksThanTheBudget()
    {
        var capture = new QlogCapture();
        const int Chunk = 4096;
        var options = new QlogOptions
        {
            Directory = "/qlog",
            OpenStream = capture.Open,
            FlushInterval = Timeout.InfiniteTimeSpan,
            ChunkSize = Chunk,
            MaxBufferedBytesPerConnection = 16 * 1024,
            MaxBufferedBytes = 64 * 1024,
        };
        var writer = new QlogWriter(options);
        var tracers = new List<QlogTracer>();
        var endPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 443);
        await using (writer)
        {
            // 100 connections each log a handful of small events: none fills a chunk, so every
            // chunk stays with its connection until the end.
            for (int i = 0; i < 100; i++)
            {
                var tracer = new QlogTracer(writer.CreateSink(), isServer: true);
                tracer.OnConnectionStarted(Instant.Zero, true, new ConnectionId([(byte)i, 1, 2, 3]), new ConnectionId([4]), new ConnectionId([5]), endPoint, endPoint);
                tracer.OnPacketDropped(Instant.Zero, 100, "duplicate");
                tracers.Add(tracer);
            }

            Assert.True(writer.HeldBytes <= options.MaxBufferedBytes + Chunk, $"{writer.HeldBytes} bytes held.");
            Assert.Equal(options.MaxBufferedBytes / Chunk, tracers.Count(t => t.DroppedEvents == 0));

            foreach (QlogTracer tracer in tracers)
            {
                tracer.Dispose();
            }
        }

        // Every connection still gets a valid file that says what it lacks.
        Assert.Equal(100, capture.Paths.Count);
        QlogFile starved = QlogFile.Parse(capture.Single("63010203_server.sqlog"));
        Assert.Equal(tracers[99].DroppedEvents, starved.Named("loglevel:warning").Single().GetProperty("data").GetProperty("dropped_events").GetInt64());
        Assert.Equal(0, writer.HeldBytes);
    }

    [Fact]
    public async Task Qlog_WriterThatCannotOpenItsFile_LeavesTheConnectionAloneAndLogsOnce()
    {
        var logger = new RecordingLogger();
        var options = new QlogOptions
        {
            Directory = "/qlog",
            OpenStream = _ => throw new IOException("No space left on device"),
            FlushInterval = Timeout.InfiniteTimeSpan,
            ChunkSize = 4096,
            MaxBufferedBytesPerConnection = 64 * 1024,
        };
        var writer = new QlogWriter(options, logger: logger);
        await using (writer)
        {
            var pair = new DiagnosticsSimPair(seed: 33, (isServer, odcid) => new QlogTracer(writer.CreateSink(), isServer, odcid));
            BulkTransferResult(pair.Transfer(new QlogTracer(writer.CreateSink(), isServer: false), streams: 1, 256 * 1024, TimeSpan.FromSeconds(30)));
            pair.CloseAndTerminate(pair.Client.Connections[0], pair.ServerConnection!, 0, "bye");
            await writer.FlushAsync();

            Assert.Equal(0, writer.BytesWritten);
            Assert.True(writer.BytesDiscarded > 0);
            Assert.Equal(0, writer.FilesCompleted);
            Assert.Equal(0, writer.BufferedBytes);
        }

        // One warning per file (client and server), with the exception.
        RecordingLogger.Entry[] failures = [.. logger.Entries.Where(e => e.EventId.Name == "QlogWriteFailed")];
        Assert.Equal(2, failures.Length);
        Assert.All(failures, f => Assert.IsType<IOException>(f.Exception));
    }

    [Fact]
    public async Task Qlog_QuietConnection_IsFlushedByTheTimer()
    {
        var time = new Mycnet.Networking.Testing.FakeTimeProvider();
        var capture = new QlogCapture();
        var options = new QlogOptions { Directory = "/qlog", OpenStream = capture.Open, FlushInterval = TimeSpan.FromSeconds(1) };
        var writer = new QlogWriter(options, time);
        await using (writer)
        {
            var tracer = new QlogTracer(writer.CreateSink(), isServer: true, new ConnectionId([9, 9, 9, 9]), time);
            tracer.OnPacketDropped(Instant.Zero, 1200, "decryption_failure");

            // A few records fill no chunk: nothing is written until the flush timer fires.
            Assert.Equal(0, writer.BytesWritten);
            time.Advance(TimeSpan.FromSeconds(1));
            await writer.FlushAsync();
            QlogFile log = QlogFile.Parse(capture.Single("09090909_server.sqlog"));
            JsonElement dropped = log.Named("quic:packet_dropped").Single().GetProperty("data");
            Assert.Equal("decryption_failure", dropped.GetProperty("trigger").GetString());
            Assert.Equal(1200, dropped.GetProperty("raw").GetProperty("length").GetInt32());
            tracer.Dispose();
        }
    }

    [Fact]
    public void QlogOptions_FromEnvironment_ReadsQlogDir()
    {
        Assert.Null(QlogOptions.FromEnvironment(_ => null));
        Assert.Null(QlogOptions.FromEnvironment(_ => " "));
        QlogOptions options = QlogOptions.FromEnvironment(name => name == "QLOGDIR" ? "/srv/qlogs/" : null)!;
        Assert.Equal("/srv/qlogs/", options.Directory);
    }

    [Fact]
    public void QlogOptions_Validate_RejectsBudgetsSmallerThanAChunk()
    {
        Assert.Throws<ArgumentException>(() => new QlogOptions { Directory = "/q", ChunkSize = 64 * 1024, MaxBufferedBytesPerConnection = 4096 }.Validate());
        Assert.Throws<ArgumentException>(() => new QlogOptions { Directory = "/q", MaxBufferedBytes = 1024 * 1024 }.Validate());
        Assert.Throws<ArgumentException>(() => new QlogOptions { Directory = " " }.Validate());
        new QlogOptions { Directory = "/q" }.Validate();
    }

    private static void BulkTransferResult(Mycnet.Networking.Testing.Quic.BulkTransfer transfer) => Assert.True(transfer.Completed);

    /// <summary>Streams whose writes wait until <see cref="Release"/>: a writer stuck on a slow disk.</summary>
    private sealed class GatedCapture
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Dictionary<string, GatedStream> _streams = new(StringComparer.Ordinal);

        /// <summary>Completes when the writer first tries to write.</summary>
        public Task FirstWrite => _firstWrite.Task;

        public Stream Open(string path)
        {
            var stream = new GatedStream(this);
            lock (_streams)
            {
                _streams.Add(path, stream);
            }

            return stream;
        }

        public void Release() => _gate.TrySetResult();

        public byte[] Single(string suffix)
        {
            lock (_streams)
            {
                return _streams.Single(s => s.Key.EndsWith(suffix, StringComparison.Ordinal)).Value.Data.ToArray();
            }
        }

        private sealed class GatedStream(GatedCapture owner) : Stream
        {
            public MemoryStream Data { get; } = new();

            public override bool CanRead => false;

            public override bool CanSeek => false;

            public override bool CanWrite => true;

            public override long Length => Data.Length;

            public override long Position { get => Data.Position; set => throw new NotSupportedException(); }

            public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            {
                owner._firstWrite.TrySetResult();
                await owner._gate.Task.WaitAsync(cancellationToken);
                Data.Write(buffer.Span);
            }

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The writer writes asynchronously.");

            public override void Flush()
            {
            }

            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}
