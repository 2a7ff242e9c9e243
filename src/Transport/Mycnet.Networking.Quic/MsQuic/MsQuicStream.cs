using System.Runtime.CompilerServices;
using System.Runtime.Versioning;
using NetQuic = System.Net.Quic;

namespace Mycnet.Networking.Quic.MsQuic;

/// <summary>
/// The msquic engine's side of a <see cref="QuicStream"/>: a System.Net.Quic stream whose
/// operations are forwarded one call each, with the SDK's errors and rules.
/// </summary>
/// <remarks>
/// <para>System.Net.Quic's stream already has the semantics the SDK's stream was modelled on:
/// writes complete once msquic buffered them, reads return what arrived and 0 after the FIN,
/// cancelling a read or write aborts that direction with the default stream error code, the
/// peer's RESET_STREAM and STOP_SENDING fail reads and writes with its code. What the adapter adds:
/// exceptions mapped to the SDK's <see cref="QuicException"/>; a second concurrent read or write
/// refused synchronously, as on the managed engine; and disposal that does not wait for the peer
/// (System.Net.Quic's waits for the stream's shutdown to complete, which needs the peer's
/// acknowledgement: here that wait runs in the background).</para>
/// <para><see cref="QuicStream.ReadsClosed"/> and <see cref="QuicStream.WritesClosed"/> follow
/// System.Net.Quic's tasks, with their faults mapped (a direction cancelled locally faults with
/// <see cref="QuicError.OperationAborted"/>).</para>
/// </remarks>
[SupportedOSPlatform("linux")]
[SupportedOSPlatform("windows")]
[SupportedOSPlatform("osx")]
internal sealed class MsQuicStream
{
    private readonly NetQuic.QuicStream _stream;
    private int _readPending;
    private int _writePending;

    private MsQuicStream(NetQuic.QuicStream stream)
    {
        _stream = stream;
    }

    private long Id => _stream.Id;

    /// <summary>The public stream over a System.Net.Quic stream; <paramref name="isLocal"/> when this side opened it.</summary>
    public static QuicStream Wrap(NetQuic.QuicStream stream, bool isLocal)
    {
        var backend = new MsQuicStream(stream);
        QuicStreamType type = stream.Type == NetQuic.QuicStreamType.Bidirectional ? QuicStreamType.Bidirectional : QuicStreamType.Unidirectional;
        var wrapped = new QuicStream(backend, stream.Id, type, isLocal);
        wrapped.FollowClosed(stream.ReadsClosed, stream.WritesClosed);
        return wrapped;
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _readPending, 1) != 0)
        {
            throw QuicStream.ConcurrentOperation(Id, "read");
        }

        ValueTask<int> read;
        try
        {
            read = _stream.ReadAsync(buffer, cancellationToken);
        }
        catch
        {
            Volatile.Write(ref _readPending, 0);
            throw;
        }

        if (read.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _readPending, 0);
            return read;
        }

        return AwaitReadAsync(read);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, bool completeWrites, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _writePending, 1) != 0)
        {
            throw QuicStream.ConcurrentOperation(Id, "write");
        }

        ValueTask write;
        try
        {
            write = _stream.WriteAsync(buffer, completeWrites, cancellationToken);
        }
        catch
        {
            Volatile.Write(ref _writePending, 0);
            throw;
        }

        if (write.IsCompletedSuccessfully)
        {
            Volatile.Write(ref _writePending, 0);
            return write;
        }

        return AwaitWriteAsync(write);
    }

    public void CompleteWrites()
    {
        try
        {
            _stream.CompleteWrites();
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }

    public void Abort(QuicAbortDirection direction, long errorCode)
    {
        try
        {
            _stream.Abort((NetQuic.QuicAbortDirection)(int)direction, errorCode);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
    }

    /// <summary>
    /// Completes writes gracefully and aborts unfinished reading (System.Net.Quic does both at the
    /// start of its disposal), then lets the rest of the disposal finish in the background.
    /// </summary>
    public void Dispose()
    {
        ValueTask disposal = _stream.DisposeAsync();
        if (disposal.IsCompleted)
        {
            disposal.GetAwaiter().GetResult();
            return;
        }

        _ = FinishDisposalAsync(disposal);
    }

    private static async Task FinishDisposalAsync(ValueTask disposal)
    {
        try
        {
            await disposal.ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e) || e is ObjectDisposedException)
        {
            // The connection ended meanwhile; the stream's resources are released all the same.
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> AwaitReadAsync(ValueTask<int> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
        finally
        {
            Volatile.Write(ref _readPending, 0);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitWriteAsync(ValueTask write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (Exception e) when (MsQuicErrorMapping.IsMapped(e))
        {
            throw MsQuicErrorMapping.Map(e);
        }
        finally
        {
            Volatile.Write(ref _writePending, 0);
        }
    }
}
