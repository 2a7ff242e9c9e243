using Mycnet.Networking.Testing;

namespace Mycnet.Networking.Quic.Core.Tests.Testing;

public sealed class FakeTimeProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);

    [Fact]
    public void Timers_FireInDueOrder_EachAtItsOwnTime()
    {
        var time = new FakeTimeProvider();
        long origin = time.GetTimestamp();
        var fired = new List<(string Name, TimeSpan At)>();
        using ITimer late = time.CreateTimer(_ => fired.Add(("late", time.GetElapsedTime(origin))), null, Ms(30), Timeout.InfiniteTimeSpan);
        using ITimer early = time.CreateTimer(_ => fired.Add(("early", time.GetElapsedTime(origin))), null, Ms(10), Timeout.InfiniteTimeSpan);
        using ITimer middle = time.CreateTimer(_ => fired.Add(("middle", time.GetElapsedTime(origin))), null, Ms(20), Timeout.InfiniteTimeSpan);

        time.Advance(Ms(25));
        Assert.Equal([("early", Ms(10)), ("middle", Ms(20))], fired);
        Assert.Equal(Ms(25), time.GetElapsedTime(origin));

        time.Advance(Ms(5));
        Assert.Equal([("early", Ms(10)), ("middle", Ms(20)), ("late", Ms(30))], fired);
    }

    [Fact]
    public void Timers_DueAtTheSameTime_FireInTheOrderTheyWereArmed()
    {
        var time = new FakeTimeProvider();
        var fired = new List<int>();
        using ITimer first = time.CreateTimer(_ => fired.Add(1), null, Ms(5), Timeout.InfiniteTimeSpan);
        using ITimer second = time.CreateTimer(_ => fired.Add(2), null, Ms(5), Timeout.InfiniteTimeSpan);
        using ITimer third = time.CreateTimer(_ => fired.Add(3), null, Ms(5), Timeout.InfiniteTimeSpan);

        time.Advance(Ms(5));

        Assert.Equal([1, 2, 3], fired);
    }

    [Fact]
    public void Timer_ReceivesItsState_AndDoesNotFireBeforeItIsDue()
    {
        var time = new FakeTimeProvider();
        object? received = null;
        object state = new();
        using ITimer timer = time.CreateTimer(s => received = s, state, Ms(10), Timeout.InfiniteTimeSpan);

        time.Advance(Ms(9.9999));
        Assert.Null(received);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Same(state, received);
    }

    [Fact]
    public void PeriodicTimer_FiresEveryPeriod_SeveralTimesWithinOneAdvance()
    {
        var time = new FakeTimeProvider();
        long origin = time.GetTimestamp();
        var fired = new List<TimeSpan>();
        using ITimer timer = time.CreateTimer(_ => fired.Add(time.GetElapsedTime(origin)), null, Ms(10), Ms(5));

        time.Advance(Ms(30));
        Assert.Equal([Ms(10), Ms(15), Ms(20), Ms(25), Ms(30)], fired);

        time.Advance(Ms(4));
        Assert.Equal(5, fired.Count);
        time.Advance(Ms(1));
        Assert.Equal(Ms(35), fired[^1]);
    }

    [Fact]
    public void Change_RearmsDisarmsAndRestartsFromTheCurrentTime()
    {
        var time = new FakeTimeProvider();
        long origin = time.GetTimestamp();
        var fired = new List<TimeSpan>();
        using ITimer timer = time.CreateTimer(_ => fired.Add(time.GetElapsedTime(origin)), null, Ms(10), Timeout.InfiniteTimeSpan);

        time.Advance(Ms(5));
        Assert.True(timer.Change(Ms(10), Timeout.InfiniteTimeSpan)); // now due at 15 ms, not 10 ms
        time.Advance(Ms(9));
        Assert.Empty(fired);
        time.Advance(Ms(1));
        Assert.Equal([Ms(15)], fired);

        // A one-shot timer that has fired can be armed again.
        Assert.True(timer.Change(Ms(2), Timeout.InfiniteTimeSpan));
        Assert.Equal(1, time.ArmedTimerCount);
        Assert.True(timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan));
        Assert.Equal(0, time.ArmedTimerCount);
        time.Advance(Ms(100));
        Assert.Equal([Ms(15)], fired);
    }

    [Fact]
    public void Change_FromPeriodicToOneShot_StopsRepeating()
    {
        var time = new FakeTimeProvider();
        int count = 0;
        using ITimer timer = time.CreateTimer(_ => count++, null, Ms(1), Ms(1));
        time.Advance(Ms(3));
        Assert.Equal(3, count);

        timer.Change(Ms(1), TimeSpan.Zero); // a zero period means one-shot, as for System.Threading.Timer
        time.Advance(Ms(10));
        Assert.Equal(4, count);
    }

    [Fact]
    public async Task Dispose_StopsTheTimer_AndChangeAfterwardsReturnsFalse()
    {
        var time = new FakeTimeProvider();
        int count = 0;
        ITimer periodic = time.CreateTimer(_ => count++, null, Ms(1), Ms(1));
        ITimer asyncDisposed = time.CreateTimer(_ => count += 100, null, Ms(1), Timeout.InfiniteTimeSpan);
        Assert.Equal(2, time.ArmedTimerCount);

        periodic.Dispose();
        await asyncDisposed.DisposeAsync();
        time.Advance(Ms(10));

        Assert.Equal(0, count);
        Assert.Equal(0, time.ArmedTimerCount);
        Assert.False(periodic.Change(Ms(1), Timeout.InfiniteTimeSpan));
        Assert.False(asyncDisposed.Change(Ms(1), Timeout.InfiniteTimeSpan));
        periodic.Dispose(); // idempotent
    }

    [Fact]
    public void PeriodicTimer_DisposingItselfInItsCallback_FiresOnce()
    {
        var time = new FakeTimeProvider();
        int count = 0;
        ITimer? timer = null;
        timer = time.CreateTimer(_ =>
        {
            count++;
            timer!.Dispose();
        }, null, Ms(1), Ms(1));

        time.Advance(Ms(10));

        Assert.Equal(1, count);
    }

    [Fact]
    public void Callback_ThatArmsAnEarlierTimer_SeesItFireBeforeLaterOnes()
    {
        var time = new FakeTimeProvider();
        long origin = time.GetTimestamp();
        var fired = new List<(string Name, TimeSpan At)>();
        var timers = new List<ITimer>();
        timers.Add(time.CreateTimer(_ =>
        {
            fired.Add(("first", time.GetElapsedTime(origin)));
            timers.Add(time.CreateTimer(_ => fired.Add(("spawned", time.GetElapsedTime(origin))), null, Ms(2), Timeout.InfiniteTimeSpan));
            timers.Add(time.CreateTimer(_ => fired.Add(("immediate", time.GetElapsedTime(origin))), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        }, null, Ms(1), Timeout.InfiniteTimeSpan));
        timers.Add(time.CreateTimer(_ => fired.Add(("last", time.GetElapsedTime(origin))), null, Ms(5), Timeout.InfiniteTimeSpan));

        time.Advance(Ms(10));

        Assert.Equal([("first", Ms(1)), ("immediate", Ms(1)), ("spawned", Ms(3)), ("last", Ms(5))], fired);
        timers.ForEach(t => t.Dispose());
    }

    [Fact]
    public void Clocks_MoveTogether_AndElapsedTimeMatchesTheAdvance()
    {
        var time = new FakeTimeProvider(Start);
        Assert.Equal(Start, time.GetUtcNow());
        Assert.Equal(TimeSpan.TicksPerSecond, time.TimestampFrequency);
        Assert.Equal(TimeZoneInfo.Utc, time.LocalTimeZone);
        long t0 = time.GetTimestamp();

        time.Advance(TimeSpan.FromSeconds(90.5));

        Assert.Equal(Start + TimeSpan.FromSeconds(90.5), time.GetUtcNow());
        Assert.Equal(TimeSpan.FromSeconds(90.5), time.GetElapsedTime(t0));
        Assert.Equal(TimeSpan.FromSeconds(90.5), time.GetElapsedTime(t0, time.GetTimestamp()));
        Assert.Equal(time.GetUtcNow().DateTime, time.GetLocalNow().DateTime);
    }

    [Fact]
    public void SetUtcNow_MovesTheWallClockOnly()
    {
        var time = new FakeTimeProvider(Start);
        long t0 = time.GetTimestamp();
        int fired = 0;
        using ITimer timer = time.CreateTimer(_ => fired++, null, Ms(1), Timeout.InfiniteTimeSpan);

        time.SetUtcNow(Start + TimeSpan.FromDays(3));

        Assert.Equal(Start + TimeSpan.FromDays(3), time.GetUtcNow());
        Assert.Equal(t0, time.GetTimestamp());
        Assert.Equal(0, fired);
    }

    [Fact]
    public void Advance_RejectsNegativeDeltas_AndZeroFiresTimersDueNow()
    {
        var time = new FakeTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => time.Advance(TimeSpan.FromTicks(-1)));

        int fired = 0;
        using ITimer timer = time.CreateTimer(_ => fired++, null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.Zero);
        Assert.Equal(1, fired);
    }

    [Fact]
    public void Advance_CalledFromACallback_NeverMovesTimeBackwards()
    {
        var time = new FakeTimeProvider(Start);
        long t0 = time.GetTimestamp();
        using ITimer timer = time.CreateTimer(_ => time.Advance(Ms(50)), null, Ms(1), Timeout.InfiniteTimeSpan);

        time.Advance(Ms(10)); // the callback at 1 ms moves time to 51 ms; the outer advance must not rewind it

        Assert.Equal(Ms(51), time.GetElapsedTime(t0));
        Assert.Equal(Start + Ms(51), time.GetUtcNow());
    }

    [Fact]
    public void CreateTimer_RejectsTimesThatSystemTimersReject_InsteadOfOverflowing()
    {
        var time = new FakeTimeProvider();
        Assert.Throws<ArgumentOutOfRangeException>(() => time.CreateTimer(_ => { }, null, TimeSpan.MaxValue, Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.CreateTimer(_ => { }, null, Ms(-2), Timeout.InfiniteTimeSpan));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.CreateTimer(_ => { }, null, Ms(1), Ms(-2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => time.CreateTimer(_ => { }, null, Ms(1), TimeSpan.MaxValue));
        Assert.Equal(0, time.ArmedTimerCount);

        // The largest due time a system timer accepts (2^32 - 2 ms) is armed, not fired early.
        int fired = 0;
        using ITimer timer = time.CreateTimer(_ => fired++, null, Ms(uint.MaxValue - 1), Timeout.InfiniteTimeSpan);
        time.Advance(TimeSpan.FromDays(49));
        Assert.Equal(0, fired);
        time.Advance(Ms(uint.MaxValue - 1) - TimeSpan.FromDays(49));
        Assert.Equal(1, fired);
    }

    [Fact]
    public void CreateTimer_RejectsNullCallback()
    {
        var time = new FakeTimeProvider();
        Assert.Throws<ArgumentNullException>(() => time.CreateTimer(null!, null, Ms(1), Timeout.InfiniteTimeSpan));
    }

    [Fact]
    public async Task TaskDelay_CompletesWhenTimeIsAdvancedToItsEnd()
    {
        var time = new FakeTimeProvider();
        Task delay = Task.Delay(TimeSpan.FromSeconds(5), time);

        time.Advance(TimeSpan.FromSeconds(4.999));
        Assert.False(delay.IsCompleted);
        time.Advance(Ms(1));

        Assert.True(delay.IsCompletedSuccessfully);
        await delay;
        Assert.Equal(0, time.ArmedTimerCount);
    }

    [Fact]
    public async Task TaskDelay_CancelledBeforeItsEnd_IsCancelled()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource();
        Task delay = Task.Delay(TimeSpan.FromSeconds(5), time, cts.Token);

        time.Advance(TimeSpan.FromSeconds(1));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => delay);
    }

    [Fact]
    public void CancellationTokenSource_WithTheProvider_CancelsWhenAdvanced()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), time);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cts.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public void CancellationTokenSource_CancelAfter_UsesTheProvider()
    {
        var time = new FakeTimeProvider();
        using var cts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        cts.CancelAfter(Ms(300));
        time.Advance(Ms(299));
        Assert.False(cts.IsCancellationRequested);
        time.Advance(Ms(1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public async Task SystemPeriodicTimer_OnTheProvider_TicksOncePerPeriod()
    {
        var time = new FakeTimeProvider();
        using var periodic = new PeriodicTimer(TimeSpan.FromSeconds(1), time);

        ValueTask<bool> tick = periodic.WaitForNextTickAsync();
        Assert.False(tick.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await tick);

        tick = periodic.WaitForNextTickAsync();
        Assert.False(tick.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await tick);
    }
}
