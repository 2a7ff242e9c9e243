namespace Mycnet.Networking.Testing;

/// <summary>
/// A <see cref="TimeProvider"/> whose time moves only when a test calls <see cref="Advance"/>.
/// Timers fire synchronously, in due order, on the thread that advances time, so tests that
/// depend on timeouts are deterministic and never sleep.
/// </summary>
public sealed class FakeTimeProvider : TimeProvider
{
    private const long MaxTimerMilliseconds = uint.MaxValue - 1L;

    private readonly Lock _gate = new();
    private readonly List<FakeTimer> _timers = [];
    private DateTimeOffset _utcNow;
    private long _timestampTicks;
    private long _sequence;

    /// <summary>Starts at 2026-01-01T00:00:00Z unless told otherwise.</summary>
    public FakeTimeProvider(DateTimeOffset? start = null)
    {
        _utcNow = start ?? new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    }

    /// <summary>The local time zone; UTC, so tests do not depend on the machine.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Timestamps are in TimeSpan ticks.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>How many timers are armed (due at a finite time).</summary>
    public int ArmedTimerCount
    {
        get
        {
            lock (_gate)
            {
                int count = 0;
                foreach (FakeTimer timer in _timers)
                {
                    if (timer.DueAt != long.MaxValue)
                    {
                        count++;
                    }
                }

                return count;
            }
        }
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _utcNow;
        }
    }

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _timestampTicks;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ValidateTimerTime(dueTime, nameof(dueTime));
        ValidateTimerTime(period, nameof(period));
        var timer = new FakeTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves time forward, firing every timer that falls due, in order of due time (then arming order).
    /// A callback may advance time itself; time never moves backwards.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        long target;
        lock (_gate)
        {
            if (delta.Ticks > long.MaxValue - _timestampTicks)
            {
                throw new ArgumentOutOfRangeException(nameof(delta), delta, "Advancing this far would overflow the timestamp.");
            }

            target = _timestampTicks + delta.Ticks;
        }

        while (true)
        {
            FakeTimer? next = null;
            lock (_gate)
            {
                // A callback that advanced time past the target has already fired everything up to there.
                target = Math.Max(target, _timestampTicks);
                foreach (FakeTimer timer in _timers)
                {
                    if (timer.DueAt <= target && (next is null || timer.DueAt < next.DueAt || (timer.DueAt == next.DueAt && timer.Sequence < next.Sequence)))
                    {
                        next = timer;
                    }
                }

                if (next is null)
                {
                    _utcNow += TimeSpan.FromTicks(target - _timestampTicks);
                    _timestampTicks = target;
                    return;
                }

                _utcNow += TimeSpan.FromTicks(next.DueAt - _timestampTicks);
                _timestampTicks = next.DueAt;
                next.Reschedule(_timestampTicks);
            }

            next.Fire();
        }
    }

    /// <summary>Sets the wall-clock time without moving the monotonic timestamp or firing timers.</summary>
    public void SetUtcNow(DateTimeOffset value)
    {
        lock (_gate)
        {
            _utcNow = value;
        }
    }

    private long NextSequence() => Interlocked.Increment(ref _sequence);

    private static bool IsInfinite(TimeSpan value) => (long)value.TotalMilliseconds == -1;

    // Far enough in the future never to fire, yet distinct from "disarmed" (long.MaxValue).
    private static long SaturatingAdd(long ticks, long delta) => ticks > long.MaxValue - 1 - delta ? long.MaxValue - 1 : ticks + delta;

    // The range System.Threading.Timer accepts: -1 ms (infinite) up to 2^32 - 2 ms.
    private static void ValidateTimerTime(TimeSpan value, string name)
    {
        long milliseconds = (long)value.TotalMilliseconds;
        if (milliseconds < -1 || milliseconds > MaxTimerMilliseconds)
        {
            throw new ArgumentOutOfRangeException(name, value, "A timer time is Timeout.InfiniteTimeSpan or between 0 and 4294967294 ms.");
        }
    }

    private void Remove(FakeTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class FakeTimer : ITimer
    {
        private readonly FakeTimeProvider _owner;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private long _period;

        public FakeTimer(FakeTimeProvider owner, TimerCallback callback, object? state)
        {
            _owner = owner;
            _callback = callback;
            _state = state;
            DueAt = long.MaxValue;
        }

        public long DueAt { get; private set; }

        public long Sequence { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            ValidateTimerTime(dueTime, nameof(dueTime));
            ValidateTimerTime(period, nameof(period));
            lock (_owner._gate)
            {
                if (!_owner._timers.Contains(this))
                {
                    return false;
                }

                _period = IsInfinite(period) || period <= TimeSpan.Zero ? 0 : period.Ticks;
                DueAt = IsInfinite(dueTime) ? long.MaxValue : SaturatingAdd(_owner._timestampTicks, Math.Max(0, dueTime.Ticks));
                Sequence = _owner.NextSequence();
                return true;
            }
        }

        // Called under the owner's lock when the timer falls due.
        public void Reschedule(long now)
        {
            DueAt = _period > 0 ? SaturatingAdd(now, _period) : long.MaxValue;
            Sequence = _owner.NextSequence();
        }

        public void Fire() => _callback(_state);

        public void Dispose() => _owner.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
