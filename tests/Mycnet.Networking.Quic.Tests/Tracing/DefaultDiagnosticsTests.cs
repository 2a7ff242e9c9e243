using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Mycnet.Networking.Quic.Tracing;

namespace Mycnet.Networking.Quic.Tests.Tracing;

/// <summary>What every connection gets without a custom tracer factory: qlog when a directory is set, and logs.</summary>
public sealed class DefaultDiagnosticsTests
{
    [Fact]
    public async Task Qlog_DirectoryInOptions_WritesOneTracePerConnectionWithPacketEvents()
    {
        string directory = Path.Combine(Path.GetTempPath(), "mycnet-qlog-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.QlogDirectory = directory);
            (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, o => o.QlogDirectory = directory);
            await QuicConnectionTests.AssertEchoAsync(client, server);
            await client.DisposeAsync();
            await server.DisposeAsync();
            await DiagnosticsRegistry.FlushAllAsync(CancellationToken.None).WaitAsync(QuicTestHarness.Timeout);

            string[] files = Directory.GetFiles(directory, "*.sqlog");
            Assert.Single(files, f => f.EndsWith("_client.sqlog", StringComparison.Ordinal));
            Assert.Single(files, f => f.EndsWith("_server.sqlog", StringComparison.Ordinal));
            foreach (string file in files)
            {
                string text = await File.ReadAllTextAsync(file);
                Assert.StartsWith("\u001e{", text, StringComparison.Ordinal);
                Assert.Contains("\"quic:packet_sent\"", text, StringComparison.Ordinal);
                Assert.Contains("\"quic:packet_received\"", text, StringComparison.Ordinal);
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
    public async Task Logging_ListenerAndConnectionLifecycle_IsLoggedWithStableEventIds()
    {
        var loggers = new RecordingLoggerFactory();
        await using (QuicListener listener = await QuicTestHarness.ListenAsync(configureServer: s => s.LoggerFactory = loggers))
        {
            (QuicConnection client, QuicConnection server) = await QuicTestHarness.ConnectPairAsync(listener, o => o.LoggerFactory = loggers);
            await QuicConnectionTests.AssertEchoAsync(client, server);
            await client.CloseAsync(7).Guard();
            await client.DisposeAsync();
            await server.AcceptInboundStreamAsync().AsTask().ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(QuicTestHarness.Timeout);
            await server.DisposeAsync();
        }

        Assert.Contains(loggers.Entries, e => e.EventId == 20); // listener started
        Assert.Contains(loggers.Entries, e => e.EventId == 21); // listener stopped
        Assert.Equal(2, loggers.Entries.Count(e => e.EventId == 2)); // established, both sides
        Assert.Contains(loggers.Entries, e => e.EventId == 3 && e.Message.Contains("client", StringComparison.Ordinal));
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public ConcurrentQueue<(int EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new RecordingLogger(this);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class RecordingLogger(RecordingLoggerFactory owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Entries.Enqueue((eventId.Id, formatter(state, exception)));
        }
    }
}
