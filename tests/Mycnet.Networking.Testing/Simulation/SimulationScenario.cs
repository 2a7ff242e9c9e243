namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// Runs a test scenario so that any failure names the seed that replays it. Failures raised by the
/// network itself already carry the seed; anything else (an xunit assertion after a run, an exception
/// in setup) is wrapped in a <see cref="SimulationException"/> whose message starts with the seed and
/// the virtual time, with the original as the inner exception.
/// </summary>
public static class SimulationScenario
{
    /// <summary>Builds a network seeded with <paramref name="seed"/> and runs <paramref name="scenario"/> on it.</summary>
    public static void Run(long seed, Action<SimulatedNetwork> scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        Run(new SimulatedNetwork(seed), scenario);
    }

    /// <summary>Runs <paramref name="scenario"/> on an existing network.</summary>
    public static void Run(SimulatedNetwork network, Action<SimulatedNetwork> scenario)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            scenario(network);
        }
        catch (SimulationException e) when (e.CarriesSeed && e.Seed == network.Seed)
        {
            throw;
        }
        catch (Exception e)
        {
            throw new SimulationException(
                $"Scenario failed at {network.Now} (seed {network.Seed}; rerun with this seed to replay): {e.Message}",
                network.Seed,
                network.Now,
                nodeName: null,
                e);
        }
    }
}
