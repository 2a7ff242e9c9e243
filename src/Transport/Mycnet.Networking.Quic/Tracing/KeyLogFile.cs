using System.Collections.Concurrent;
using System.Text;

namespace Mycnet.Networking.Quic.Tracing;

/// <summary>
/// One key-log file shared by every connection of the process that names it. Lines are appended
/// whole under a lock (connections run on many threads), and the file is opened for each line and
/// closed again, so no handle outlives the write and other processes (tshark) read complete lines.
/// A file that cannot be written is reported once to <see cref="System.Diagnostics.Trace"/> and
/// never fails a connection.
/// </summary>
internal sealed class KeyLogFile
{
    private static readonly ConcurrentDictionary<string, KeyLogFile> Files = new(StringComparer.Ordinal);

    private readonly Lock _gate = new();
    private bool _failed;

    private KeyLogFile(string path) => Path = path;

    /// <summary>The full path of the file.</summary>
    public string Path { get; }

    /// <summary>The shared writer of <paramref name="path"/>.</summary>
    public static KeyLogFile Get(string path) => Files.GetOrAdd(System.IO.Path.GetFullPath(path), static p => new KeyLogFile(p));

    /// <summary>Appends one line (a newline is added).</summary>
    public void Append(string line)
    {
        lock (_gate)
        {
            if (_failed)
            {
                return;
            }

            try
            {
                using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
                byte[] bytes = Encoding.ASCII.GetBytes(line + "\n");
                stream.Write(bytes);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _failed = true;
                System.Diagnostics.Trace.TraceWarning($"Cannot write the TLS key log {Path}: {e.Message}. No more keys are logged to it.");
            }
        }
    }
}
