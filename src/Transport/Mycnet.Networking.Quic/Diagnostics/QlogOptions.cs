namespace Mycnet.Networking.Quic.Diagnostics;

/// <summary>
/// Where and how qlog files are written. One file per connection,
/// <c>&lt;odcid-hex&gt;_&lt;client|server&gt;.sqlog</c>, in <see cref="Directory"/>.
/// </summary>
internal sealed class QlogOptions
{
    /// <summary>The environment variable that names the qlog directory (main schema §12.1).</summary>
    public const string DirectoryEnvironmentVariable = "QLOGDIR";

    /// <summary>The directory qlog files go to; created when missing.</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// Memory for events waiting for the writer across all connections, counted in whole chunks
    /// (a connection filling a chunk holds all of it). When the writer falls behind, new events are
    /// dropped and counted, and the file says how many. Default 32 MiB.
    /// </summary>
    public long MaxBufferedBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Bytes that may wait for the writer for one connection. Default 4 MiB.</summary>
    public long MaxBufferedBytesPerConnection { get; init; } = 4L * 1024 * 1024;

    /// <summary>The size of the pooled chunks events are packed into before they go to the writer. Default 16 KiB.</summary>
    public int ChunkSize { get; init; } = 16 * 1024;

    /// <summary>How often partly filled chunks of quiet connections are handed to the writer. Default 1 s; <see cref="Timeout.InfiniteTimeSpan"/> for never.</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The vantage point name written into each trace. Default "mycnet".</summary>
    public string VantagePointName { get; init; } = "mycnet";

    /// <summary>Opens the stream a qlog file is written to (tests inject slow or failing streams); default a new file.</summary>
    public Func<string, Stream>? OpenStream { get; init; }

    /// <summary>Options for the directory named by <c>QLOGDIR</c>, or null when it is not set.</summary>
    /// <param name="getVariable">Reads an environment variable; default <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static QlogOptions? FromEnvironment(Func<string, string?>? getVariable = null)
    {
        string? directory = (getVariable ?? Environment.GetEnvironmentVariable)(DirectoryEnvironmentVariable);
        return string.IsNullOrWhiteSpace(directory) ? null : new QlogOptions { Directory = directory };
    }

    /// <summary>Checks the settings; throws <see cref="ArgumentException"/> naming the first bad one.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Directory), nameof(Directory), "must name a directory");
        Require(ChunkSize >= 4096 && ChunkSize <= 16 * 1024 * 1024, nameof(ChunkSize), "must be between 4 KiB and 16 MiB");
        Require(MaxBufferedBytesPerConnection >= ChunkSize, nameof(MaxBufferedBytesPerConnection), "must hold at least one chunk");
        Require(MaxBufferedBytes >= MaxBufferedBytesPerConnection, nameof(MaxBufferedBytes), "must be at least MaxBufferedBytesPerConnection");
        Require(FlushInterval > TimeSpan.Zero || FlushInterval == Timeout.InfiniteTimeSpan, nameof(FlushInterval), "must be positive or infinite");
    }

    private static void Require(bool condition, string name, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"{name} {rule}.", name);
        }
    }
}
