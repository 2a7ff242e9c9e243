using System.Diagnostics.CodeAnalysis;
using System.Runtime.Versioning;
using Mycnet.Networking.Quic.MsQuic;

namespace Mycnet.Networking.Quic;

/// <content>
/// The stream on the msquic engine. The public members check what both engines check (disposal,
/// direction, arguments) and then, when <see cref="_msquic"/> is set, forward the operation to it
/// in one call; everything else in this type is the managed engine's. The managed path pays one
/// null check per operation for it and keeps its single object per stream.
/// </content>
public sealed partial class QuicStream
{
    private readonly MsQuicStream? _msquic;

    /// <summary>A stream of the msquic engine.</summary>
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    internal QuicStream(MsQuicStream backend, long id, QuicStreamType type, bool isLocal)
    {
        _msquic = backend;
        _driver = null!;
        Id = id;
        IsLocal = isLocal;
        Type = type;
        _canRead = type == QuicStreamType.Bidirectional || !isLocal;
        _canWrite = type == QuicStreamType.Bidirectional || isLocal;
        _readState = ReadState.NotApplicable;
        _writeState = WriteState.NotApplicable;
    }

    /// <summary>Whether the msquic engine runs this stream (which exists only where System.Net.Quic is supported).</summary>
    [MemberNotNullWhen(true, nameof(_msquic))]
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("osx")]
    private bool IsMsQuic => _msquic is not null;

    /// <summary>Marks the stream disposed and hands the disposal to the engine (once).</summary>
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    private void DisposeMsQuic()
    {
        lock (_gate)
        {
            if (_disposeRequested)
            {
                return;
            }

            _disposeRequested = true;
            _disposed = true;
        }

        _msquic!.Dispose();
    }

    /// <summary>The exception for a second read or write while one is pending.</summary>
    internal static InvalidOperationException ConcurrentOperation(long id, string operation) =>
        new($"A {operation} is already pending on stream {id}; one {operation} at a time.");

    /// <summary>Makes <see cref="ReadsClosed"/> and <see cref="WritesClosed"/> follow the engine's own tasks, faults mapped.</summary>
    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    internal void FollowClosed(Task readsClosed, Task writesClosed)
    {
        Follow(readsClosed, _readsClosed, "Reading");
        Follow(writesClosed, _writesClosed, "Writing");
    }

    [SupportedOSPlatform("linux")]
    [SupportedOSPlatform("windows")]
    [SupportedOSPlatform("osx")]
    private void Follow(Task source, TaskCompletionSource target, string direction)
    {
        _ = source.ContinueWith(
            static (completed, state) =>
            {
                var (stream, target, direction) = ((QuicStream, TaskCompletionSource, string))state!;
                if (completed.IsCompletedSuccessfully)
                {
                    target.TrySetResult();
                }
                else if (completed.Exception?.InnerException is { } error)
                {
                    FaultClosed(target, MsQuicErrorMapping.Map(error));
                }
                else
                {
                    FaultClosed(target, new QuicException(QuicError.OperationAborted, null, $"{direction} stream {stream.Id} was cancelled locally; it was aborted."));
                }
            },
            (this, target, direction),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
