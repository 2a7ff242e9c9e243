namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// Gilbert-Elliott burst loss: a two-state Markov chain (Good, Bad) stepped once per datagram, each
/// state with its own loss probability. The long-run fraction of datagrams in the Bad state is
/// GoodToBad / (GoodToBad + BadToGood), and a Bad spell lasts 1 / BadToGood datagrams on average.
/// Each link keeps its own chain state, which starts Good.
/// </summary>
public sealed class GilbertElliottLoss
{
    public GilbertElliottLoss(double goodToBad, double badToGood, double lossInGood = 0, double lossInBad = 1)
    {
        GoodToBad = Check(goodToBad, nameof(goodToBad));
        BadToGood = Check(badToGood, nameof(badToGood));
        LossInGood = Check(lossInGood, nameof(lossInGood));
        LossInBad = Check(lossInBad, nameof(lossInBad));
    }

    /// <summary>Per-datagram probability of moving from Good to Bad.</summary>
    public double GoodToBad { get; }

    /// <summary>Per-datagram probability of moving from Bad to Good.</summary>
    public double BadToGood { get; }

    /// <summary>Loss probability while Good.</summary>
    public double LossInGood { get; }

    /// <summary>Loss probability while Bad.</summary>
    public double LossInBad { get; }

    /// <summary>The long-run loss rate of the chain.</summary>
    public double MeanLossRate
    {
        get
        {
            double sum = GoodToBad + BadToGood;
            if (sum == 0)
            {
                return LossInGood;
            }

            double bad = GoodToBad / sum;
            return (bad * LossInBad) + ((1 - bad) * LossInGood);
        }
    }

    private static double Check(double value, string name)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, "A probability is between 0 and 1.");
        }

        return value;
    }
}
