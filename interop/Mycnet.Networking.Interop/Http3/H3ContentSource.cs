using System.Globalization;

namespace Mycnet.Networking.Interop.Http3;

/// <summary>
/// What the interop server serves: files under a root directory, and generated content
/// <c>/bytes/N</c> (N zero bytes, the same content ngtcp2's server generates for <c>/N</c>).
/// </summary>
/// <remarks>
/// A request path maps to a file only when its full path stays inside the root (no "..", no absolute
/// paths, no links out: the resolved path is compared to the root) and names a regular file. The
/// query string is ignored. Generated content is bounded by <see cref="MaxGeneratedLength"/>.
/// </remarks>
internal sealed class H3ContentSource
{
    private const string GeneratedPrefix = "/bytes/";
    private readonly string? _root;

    public H3ContentSource(string? rootDirectory, long maxGeneratedLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxGeneratedLength);
        if (rootDirectory is not null)
        {
            string full = Path.GetFullPath(rootDirectory);
            if (!Directory.Exists(full))
            {
                throw new DirectoryNotFoundException($"The content root '{full}' does not exist.");
            }

            _root = Path.TrimEndingDirectorySeparator(full) + Path.DirectorySeparatorChar;
        }

        MaxGeneratedLength = maxGeneratedLength;
    }

    public long MaxGeneratedLength { get; }

    /// <summary>Opens the content for <paramref name="path"/> (a :path value); false when there is none.</summary>
    public bool TryOpen(string path, out Stream? content, out long length)
    {
        ArgumentNullException.ThrowIfNull(path);
        content = null;
        length = 0;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query];
        }

        if (path.Length < 2 || path[0] != '/')
        {
            return false;
        }

        if (_root is not null && TryOpenFile(path, out content, out length))
        {
            return true;
        }

        if (path.StartsWith(GeneratedPrefix, StringComparison.Ordinal)
            && long.TryParse(path.AsSpan(GeneratedPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long size)
            && size <= MaxGeneratedLength)
        {
            content = new ZeroContentStream(size);
            length = size;
            return true;
        }

        return false;
    }

    private bool TryOpenFile(string path, out Stream? content, out long length)
    {
        content = null;
        length = 0;
        string relative = path[1..];
        if (relative.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return false;
        }

        string full = Path.GetFullPath(Path.Join(_root, relative));
        if (!full.StartsWith(_root!, StringComparison.Ordinal))
        {
            return false;
        }

        var info = new FileInfo(full);
        if (!info.Exists || info.LinkTarget is not null)
        {
            return false;
        }

        content = new FileStream(full, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            BufferSize = 0,
        });
        length = content.Length;
        return true;
    }

    /// <summary>A read-only stream of <c>length</c> zero bytes.</summary>
    private sealed class ZeroContentStream(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException("Generated content cannot seek.");
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = (int)Math.Min(buffer.Length, length - _position);
            buffer[..n].Clear();
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("Generated content cannot seek.");

        public override void SetLength(long value) => throw new NotSupportedException("Generated content is read-only.");

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Generated content is read-only.");
    }
}
