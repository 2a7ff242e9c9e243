using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Quic.Driver;

/// <content>
/// The connection's one timer, re-armed after every pass to <see cref="Connection.GetNextDeadline"/>
/// on the options' <see cref="TimeProvider"/>. Deadlines closer than the timer's resolution (pacing
/// at high rates) are met by requeuing the worker instead, on the real clock only.
/// </content>
internal sealed partial class ConnectionDriver
{
    private void RequestAnotherPass()
    {
        lock (_sync)
        {
            _wake = true;
        }
    }

    private PassOutcome ArmTimer()
    {
        Instant deadline = Core.GetNextDeadline();
        if (deadline.IsNever)
        {
            _staleDeadlinePasses = 0;
            SetTimer(Instant.MaxValue, Timeout.InfiniteTimeSpan);
            return PassOutcome.Done;
        }

        // Timers are relative to the clock's time when armed, so measure from now, not from the
        // start of the pass (a test's fake clock may have moved meanwhile).
        Instant now = Clock.Now;
        TimeSpan due = deadline - now;
        if (due <= TimeSpan.Zero)
        {
            // Due already: run again at once, unless passes keep making no progress on it.
            if (++_staleDeadlinePasses <= 3)
            {
                RequestAnotherPass();
                return PassOutcome.Done;
            }

            due = StaleDeadlineBackoff;
            deadline = now + due;
        }
        else
        {
            _staleDeadlinePasses = 0;
        }

        if (due < SpinThreshold && Clock.IsSystem)
        {
            return PassOutcome.Requeue;
        }

        SetTimer(deadline, due);
        if (Clock.Now >= deadline)
        {
            RequestAnotherPass(); // The clock passed the deadline while the timer was armed.
        }

        return PassOutcome.Done;
    }

    private void SetTimer(Instant deadline, TimeSpan due)
    {
        if (deadline == _armedDeadline)
        {
            return;
        }

        _armedDeadline = deadline;
        if (_timer is null)
        {
            if (deadline.IsNever)
            {
                return;
            }

            using (ExecutionContext.SuppressFlow())
            {
                _timer = Clock.TimeProvider.CreateTimer(static state => ((ConnectionDriver)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }
        }

        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    private void OnTimer()
    {
        _armedDeadline = Instant.MaxValue;
        Wake();
    }
}
