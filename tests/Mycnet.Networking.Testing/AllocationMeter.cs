namespace Mycnet.Networking.Testing;

/// <summary>Measures what a steady-state operation allocates on the calling thread.</summary>
/// <remarks>
/// The runtime can charge a one-off allocation to whichever thread is running when it recompiles or
/// loads types while other tests run in parallel (seen: a few KiB in one window, once in dozens of
/// runs). An operation that allocates does so every time it runs, so the least of several windows
/// of the same work is the operation's own figure: one noisy window cannot fail a test, and an
/// operation that allocates cannot pass.
/// </remarks>
public static class AllocationMeter
{
    /// <summary>The fewest bytes allocated by any of <paramref name="windows"/> runs of <paramref name="window"/>.</summary>
    public static long SteadyStateBytes(Action window, int windows = 3)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentOutOfRangeException.ThrowIfLessThan(windows, 1);
        long least = long.MaxValue;
        for (int i = 0; i < windows; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
