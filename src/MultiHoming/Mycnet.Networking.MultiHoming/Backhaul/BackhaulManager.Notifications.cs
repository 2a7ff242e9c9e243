using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Mycnet.Networking.MultiHoming.Backhaul;

// Change notifications. Changes are queued under the manager's lock, in the order they happen, and
// delivered outside it by whichever thread finds the queue idle, so handlers see them in order and one
// at a time, and may call back into the manager.
public sealed partial class BackhaulManager
{
    private readonly Queue<BackhaulChange> _notifications = new();
    private readonly List<Channel<BackhaulChange>> _watchers = [];
    private bool _delivering;

    /// <summary>
    /// Raised for every change: <see cref="BackhaulSwitched"/>, <see cref="BackhaulSwitchFailed"/> and
    /// <see cref="BackhaulStateChanged"/>. Handlers run in order, one at a time, and must not block;
    /// an exception from a handler is logged and does not stop the manager.
    /// </summary>
    public event EventHandler<BackhaulChangedEventArgs>? Changed;

    /// <summary>
    /// Streams changes from the moment enumeration starts until the manager stops or
    /// <paramref name="cancellationToken"/> fires. Each enumeration has its own unbounded buffer.
    /// </summary>
    public async IAsyncEnumerable<BackhaulChange> WatchChangesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<BackhaulChange>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            if (_state == RunState.Stopped)
            {
                yield break;
            }

            _watchers.Add(channel);
        }

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out BackhaulChange? change))
                {
                    yield return change;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }

    private void EnqueueLocked(BackhaulChange change) => _notifications.Enqueue(change);

    private void DrainNotifications()
    {
        lock (_gate)
        {
            if (_delivering || _notifications.Count == 0)
            {
                return;
            }

            _delivering = true;
        }

        while (true)
        {
            BackhaulChange change;
            Channel<BackhaulChange>[] watchers;
            lock (_gate)
            {
                if (!_notifications.TryDequeue(out change!))
                {
                    _delivering = false;
                    return;
                }

                watchers = [.. _watchers];
            }

            foreach (Channel<BackhaulChange> watcher in watchers)
            {
                watcher.Writer.TryWrite(change);
            }

            try
            {
                Changed?.Invoke(this, new BackhaulChangedEventArgs(change));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                BackhaulLog.HandlerFailed(_logger, ex);
            }
        }
    }

    private void CompleteWatchersLocked()
    {
        foreach (Channel<BackhaulChange> watcher in _watchers)
        {
            watcher.Writer.TryComplete();
        }

        _watchers.Clear();
    }
}
