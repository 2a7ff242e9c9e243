namespace Mycnet.Networking.MultiHoming.Backhaul;

/// <summary>How an interface's score (0 to 100, plus the policy bias) is computed.</summary>
/// <remarks>
/// quality = 100 × (wL·(1 − min(srtt, MaxRtt)/MaxRtt) + wP·(1 − min(loss, MaxLoss)/MaxLoss) + wS·success) / (wL + wP + wS),
/// where success is the share of rounds in the window with at least one answer. score = quality + bias,
/// where the bias is <see cref="PriorityBias"/> × (entries after the interface's entry in
/// <see cref="PriorityOrder"/> + 1), and 0 for interfaces not listed.
/// </remarks>
public sealed class BackhaulScoringOptions
{
    /// <summary>Weight of latency.</summary>
    public double LatencyWeight { get; init; } = 1;

    /// <summary>Weight of loss.</summary>
    public double LossWeight { get; init; } = 1;

    /// <summary>Weight of round success.</summary>
    public double SuccessWeight { get; init; } = 1;

    /// <summary>RTT at which the latency component reaches zero.</summary>
    public TimeSpan MaxRtt { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Loss at which the loss component reaches zero.</summary>
    public double MaxLoss { get; init; } = 0.5;

    /// <summary>
    /// Preference order, most preferred first. An entry names an interface (<c>eth0</c>) or a kind
    /// (<c>Ethernet</c>, <c>WiFi</c>, <c>Cellular</c>, <c>UsbTether</c>, <c>BluetoothPan</c>); a name match
    /// wins over a kind match.
    /// </summary>
    public IList<string> PriorityOrder { get; init; } = ["Ethernet", "WiFi", "UsbTether", "Cellular", "BluetoothPan"];

    /// <summary>Score points between neighbours in <see cref="PriorityOrder"/>.</summary>
    public double PriorityBias { get; init; } = 15;

    internal void Validate()
    {
        RequireWeight(LatencyWeight, "Scoring.LatencyWeight");
        RequireWeight(LossWeight, "Scoring.LossWeight");
        RequireWeight(SuccessWeight, "Scoring.SuccessWeight");
        if (LatencyWeight + LossWeight + SuccessWeight <= 0)
        {
            throw BackhaulManagerOptions.Invalid("Scoring weights must not all be zero.");
        }

        BackhaulManagerOptions.RequirePositive(MaxRtt, "Scoring.MaxRtt");
        if (double.IsNaN(MaxLoss) || MaxLoss <= 0 || MaxLoss > 1)
        {
            throw BackhaulManagerOptions.Invalid($"Scoring.MaxLoss must be within (0, 1] (was {MaxLoss}).");
        }

        BackhaulManagerOptions.RequireNotNull(PriorityOrder, "Scoring.PriorityOrder");
        foreach (string? entry in PriorityOrder)
        {
            if (string.IsNullOrWhiteSpace(entry))
            {
                throw BackhaulManagerOptions.Invalid("Scoring.PriorityOrder has an empty entry.");
            }
        }

        RequireWeight(PriorityBias, "Scoring.PriorityBias");
    }

    private static void RequireWeight(double value, string name)
    {
        if (double.IsNaN(value) || double.IsInfinity(value) || value < 0)
        {
            throw BackhaulManagerOptions.Invalid($"{name} must be a finite non-negative number (was {value}).");
        }
    }
}
