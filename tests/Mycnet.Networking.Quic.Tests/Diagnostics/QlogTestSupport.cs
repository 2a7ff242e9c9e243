using System.Collections.Concurrent;
using System.Text.Json;
using Mycnet.Networking.Quic.Diagnostics;

namespace Mycnet.Networking.Quic.Tests.Diagnostics;

/// <summary>Captures the qlog files a writer opens, in memory, by path.</summary>
internal sealed class QlogCapture
{
    private readonly ConcurrentDictionary<string, MemoryStream> _files = new(StringComparer.Ordinal);

    public Stream Open(string path)
    {
        var stream = new MemoryStream();
        Assert.True(_files.TryAdd(path, stream), $"The writer opened {path} twice.");
        return stream;
    }

    public IReadOnlyCollection<string> Paths => [.. _files.Keys];

    /// <summary>The bytes written to the file whose name ends with <paramref name="suffix"/>.</summary>
    public byte[] Single(string suffix)
    {
        string[] matches = [.. _files.Keys.Where(p => p.EndsWith(suffix, StringComparison.Ordinal))];
        Assert.True(matches.Length == 1, $"Expected one file ending in {suffix}, found: {string.Join(", ", _files.Keys)}");

        // MemoryStream.ToArray works after the writer disposed the stream.
        return _files[matches[0]].ToArray();
    }

    public static QlogOptions Options(QlogCapture capture, long maxBufferedBytesPerConnection = 4L * 1024 * 1024, int chunkSize = 64 * 1024) => new()
    {
        Directory = "/qlog",
        OpenStream = capture.Open,
        FlushInterval = Timeout.InfiniteTimeSpan,
        ChunkSize = chunkSize,
        MaxBufferedBytesPerConnection = maxBufferedBytesPerConnection,
        MaxBufferedBytes = Math.Max(maxBufferedBytesPerConnection, 32L * 1024 * 1024),
    };
}

/// <summary>A parsed JSON-SEQ qlog file.</summary>
internal sealed class QlogFile
{
    private QlogFile(JsonElement header, List<JsonElement> events)
    {
        Header = header;
        Events = events;
    }

    public JsonElement Header { get; }

    public IReadOnlyList<JsonElement> Events { get; }

    /// <summary>
    /// Splits RFC 7464 records (each 0x1E, one JSON text, LF) and parses each, failing on any byte
    /// outside a record, a record without its LF, or a record that is not one valid JSON object.
    /// </summary>
    public static QlogFile Parse(byte[] data)
    {
        Assert.NotEmpty(data);
        var records = new List<JsonElement>();
        int position = 0;
        while (position < data.Length)
        {
            Assert.True(data[position] == 0x1E, $"Byte {position} should start a record with RS (0x1E), found 0x{data[position]:x2}.");
            int end = Array.IndexOf(data, (byte)0x1E, position + 1);
            if (end < 0)
            {
                end = data.Length;
            }

            Assert.True(data[end - 1] == 0x0A, $"The record at byte {position} does not end with LF.");
            // The whole record must be one JSON text (trailing garbage fails the parse).
            using JsonDocument document = JsonDocument.Parse(data.AsMemory(position + 1, end - position - 2));
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            records.Add(document.RootElement.Clone());
            position = end;
        }

        Assert.NotEmpty(records);
        return new QlogFile(records[0], records.Skip(1).ToList());
    }

    public IEnumerable<JsonElement> Named(string name) => Events.Where(e => e.GetProperty("name").GetString() == name);

    public int Count(string name) => Named(name).Count();
}
