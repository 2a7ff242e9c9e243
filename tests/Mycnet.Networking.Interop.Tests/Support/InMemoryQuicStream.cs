using Mycnet.Networking.Interop.Transport;

namespace Mycnet.Networking.Interop.Tests.Support;

/// <summary>One end of an in-memory stream; for a unidirectional stream one of the pipes is absent.</summary>
internal sealed class InMemoryQuicStream : IH3Stream
{
    private readonly InMemoryPipe? _read;
    private readonly InMemoryPipe? _write;

    public InMemoryQuicStream(long id, InMemoryPipe? readPipe, InMemoryPipe? writePipe)
    {
        Id = id;
        _read = readPipe;
        _write = writePipe;
        Stream = new PipeStream(this);
    }

    public long Id { get; }

    public Stream Stream { get; }

    /// <summary>The STOP_SENDING code the peer sent for what this end writes, if any.</summary>
    public long? PeerStopCode => _write?.StopCode;

    /// <summary>The RESET_STREAM code the peer sent for what this end reads, if any.</summary>
    public long? PeerResetCode => _read?.ResetCode;

    /// <summary>The STOP_SENDING code this end sent, if any.</summary>
    public long? LocalStopCode => _read?.StopCode;

    /// <summary>The RESET_STREAM code this end sent, if any.</summary>
    public long? LocalResetCode => _write?.ResetCode;

    /// <summary>True once this end sent FIN.</summary>
    public bool WritesCompleted => _write?.IsFinished ?? false;

    public void CompleteWrites() => Writer.Finish();

    public Task WritesClosed => Writer.Drained;

    public void AbortRead(long errorCode) => _read?.Stop(errorCode);

    public void AbortWrite(long errorCode) => _write?.Reset(errorCode);

    public long? GetResetErrorCode(Exception exception) =>
        exception is InMemoryStreamAbortedException { IsReset: true } aborted ? aborted.ErrorCode : null;

    /// <summary>Waits until the peer has read everything this end wrote so far.</summary>
    public Task WhenConsumedAsync() => Writer.WhenConsumedAsync(CancellationToken.None);

    /// <summary>Writes raw bytes (for tests acting as a peer).</summary>
    public ValueTask WriteAsync(byte[] bytes) => Writer.WriteAsync(bytes, CancellationToken.None);

    /// <summary>Reads until FIN (for tests acting as a peer).</summary>
    public async Task<byte[]> ReadToEndAsync(CancellationToken cancellationToken)
    {
        using var output = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int n;
        while ((n = await Reader.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (for tests acting as a peer).</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int n = await Reader.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw new EndOfStreamException($"FIN after {total} of {count} bytes.");
            }

            total += n;
        }

        return buffer;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private InMemoryPipe Reader => _read ?? throw new NotSupportedException("This end of the unidirectional stream cannot read.");

    private InMemoryPipe Writer => _write ?? throw new NotSupportedException("This end of the unidirectional stream cannot write.");

    private sealed class PipeStream(InMemoryQuicStream owner) : Stream
    {
        public override bool CanRead => owner._read is not null;

        public override bool CanSeek => false;

        public override bool CanWrite => owner._write is not null;

        public override long Length => throw new NotSupportedException("A QUIC stream has no length.");

        public override long Position
        {
            get => throw new NotSupportedException("A QUIC stream has no position.");
            set => throw new NotSupportedException("A QUIC stream has no position.");
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.Reader.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) =>
            ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            owner.Writer.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A QUIC stream cannot seek.");

        public override void SetLength(long value) => throw new NotSupportedException("A QUIC stream has no length.");
    }
}
