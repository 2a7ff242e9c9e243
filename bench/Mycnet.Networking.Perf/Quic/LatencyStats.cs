using System.Diagnostics;

namespace Mycnet.Networking.Perf.Quic;

/// <summary>Order statistics of a series of durations measured in <see cref="Stopwatch"/> ticks.</summary>
internal sealed record LatencyStats(double MinUs, double MedianUs, double MeanUs, double P90Us, double P99Us, double MaxUs, int Count)
{
    public double MedianMs => MedianUs / 1000;

    public static LatencyStats FromTicks(ReadOnlySpan<long> ticks)
    {
        if (ticks.IsEmpty)
        {
            throw new ArgumentException("No samples.", nameof(ticks));
        }

        var us = new double[ticks.Length];
        double sum = 0;
        for (int i = 0; i < ticks.Length; i++)
        {
            us[i] = ticks[i] * 1_000_000.0 / Stopwatch.Frequency;
            sum += us[i];
        }

        Array.Sort(us);
        double median = us.Length % 2 == 1 ? us[us.Length / 2] : (us[(us.Length / 2) - 1] + us[us.Length / 2]) / 2;
        return new LatencyStats(us[0], median, sum / us.Length, Percentile(us, 0.90), Percentile(us, 0.99), us[^1], us.Length);
    }

    // Nearest rank: the smallest sample with at least p of the samples at or below it.
    private static double Percentile(double[] sorted, double p)
    {
        int rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
