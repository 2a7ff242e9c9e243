using System.Threading.Tasks.Sources;

namespace Mycnet.Networking.Quic;

/// <summary>
/// The reusable completion behind a stream's pending read or write: one per direction, so steady
/// reads and writes allocate no tasks. Continuations always run asynchronously, so completing an
/// operation on a connection's worker never runs application code there.
/// </summary>
internal sealed class StreamOperationSource : IValueTaskSource<int>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };

    public short Version => _core.Version;

    /// <summary>Readies the source for a new operation (the previous one must have been consumed).</summary>
    public void Reset() => _core.Reset();

    public void SetResult(int result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public int GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
