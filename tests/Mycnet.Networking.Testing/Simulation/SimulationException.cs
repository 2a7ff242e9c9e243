using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// A simulation failed: a node threw, an observer assertion failed, or the run loop found a livelock.
/// The message always names the seed (so the run can be replayed) and the virtual time.
/// </summary>
public class SimulationException : Exception
{
    public SimulationException()
    {
    }

    public SimulationException(string message)
        : base(message)
    {
    }

    public SimulationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SimulationException(string message, long seed, Instant time, string? nodeName, Exception? innerException = null)
        : base(message, innerException)
    {
        Seed = seed;
        Time = time;
        NodeName = nodeName;
        CarriesSeed = true;
    }

    /// <summary>The seed of the failed run.</summary>
    public long Seed { get; }

    /// <summary>The virtual time of the failure.</summary>
    public Instant Time { get; }

    /// <summary>The node being driven when it failed, if any.</summary>
    public string? NodeName { get; }

    /// <summary>Whether <see cref="Seed"/> and <see cref="Time"/> were given (and the message names them).</summary>
    public bool CarriesSeed { get; }
}

/// <summary>
/// A node kept the simulator busy without virtual time moving: its deadline did not advance past the
/// current time, it emitted datagrams without end, or the network kept exchanging datagrams at one instant.
/// </summary>
public sealed class SimulationLivelockException : SimulationException
{
    public SimulationLivelockException()
    {
    }

    public SimulationLivelockException(string message)
        : base(message)
    {
    }

    public SimulationLivelockException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SimulationLivelockException(string message, long seed, Instant time, string? nodeName)
        : base(message, seed, time, nodeName)
    {
    }
}
