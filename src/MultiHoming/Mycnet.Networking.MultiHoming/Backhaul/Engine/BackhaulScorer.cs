namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>
/// Scores an interface from its probe statistics and the configured policy.
/// </summary>
/// <remarks>
/// Design: each factor maps to [0, 1] against its cap (an RTT at or above <c>MaxRtt</c> and a loss at or
/// above <c>MaxLoss</c> score zero on that factor), the weighted mean is scaled to 0–100, and a policy
/// bias from the priority order is added on top, so preference decides between links of equal quality
/// while a much better link still wins. An interface without samples scores only its bias and is never
/// eligible anyway (it is Probing).
/// </remarks>
internal sealed class BackhaulScorer
{
    private readonly double _latencyWeight;
    private readonly double _lossWeight;
    private readonly double _successWeight;
    private readonly TimeSpan _maxRtt;
    private readonly double _maxLoss;
    private readonly string[] _priorityOrder;
    private readonly double _priorityBias;

    public BackhaulScorer(BackhaulScoringOptions options)
    {
        _latencyWeight = options.LatencyWeight;
        _lossWeight = options.LossWeight;
        _successWeight = options.SuccessWeight;
        _maxRtt = options.MaxRtt;
        _maxLoss = options.MaxLoss;
        _priorityOrder = [.. options.PriorityOrder];
        _priorityBias = options.PriorityBias;
    }

    /// <summary>The quality part, 0 to 100; 0 without samples.</summary>
    public double Quality(ProbeStatistics statistics)
    {
        if (statistics.RoundCount == 0)
        {
            return 0;
        }

        double latency = statistics.SmoothedRtt is { } srtt
            ? 1 - (Math.Min(srtt.Ticks, _maxRtt.Ticks) / (double)_maxRtt.Ticks)
            : 0;
        double loss = 1 - (Math.Min(statistics.Loss, _maxLoss) / _maxLoss);
        double success = statistics.SuccessRatio;
        double total = _latencyWeight + _lossWeight + _successWeight;
        return 100 * ((_latencyWeight * latency) + (_lossWeight * loss) + (_successWeight * success)) / total;
    }

    /// <summary>
    /// The bias of an interface: the bias step times the number of entries from its entry to the end of
    /// the order. A name entry is searched first, then a kind entry; unlisted interfaces get 0.
    /// </summary>
    public double Bias(string name, BackhaulInterfaceKind kind)
    {
        int index = Array.FindIndex(_priorityOrder, entry => string.Equals(entry, name, StringComparison.Ordinal));
        if (index < 0)
        {
            string kindName = kind.ToString();
            index = Array.FindIndex(_priorityOrder, entry => string.Equals(entry, kindName, StringComparison.OrdinalIgnoreCase));
        }

        return index < 0 ? 0 : _priorityBias * (_priorityOrder.Length - index);
    }

    /// <summary>The position in the priority order (lower is preferred), int.MaxValue when unlisted; used for ties.</summary>
    public int PriorityRank(string name, BackhaulInterfaceKind kind)
    {
        int index = Array.FindIndex(_priorityOrder, entry => string.Equals(entry, name, StringComparison.Ordinal));
        if (index < 0)
        {
            string kindName = kind.ToString();
            index = Array.FindIndex(_priorityOrder, entry => string.Equals(entry, kindName, StringComparison.OrdinalIgnoreCase));
        }

        return index < 0 ? int.MaxValue : index;
    }

    public double Score(ProbeStatistics statistics, string name, BackhaulInterfaceKind kind) =>
        Quality(statistics) + Bias(name, kind);
}
