using Microsoft.Extensions.Logging;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>An <see cref="ILogger"/> that keeps every entry, formatted, with its structured state.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly List<Entry> _entries = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public LogLevel MinimumLevel { get; init; } = LogLevel.Trace;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= MinimumLevel;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                values[pair.Key] = pair.Value;
            }
        }

        lock (_entries)
        {
            _entries.Add(new Entry(logLevel, eventId, formatter(state, exception), exception, values));
        }
    }

    internal sealed record Entry(LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);
}
