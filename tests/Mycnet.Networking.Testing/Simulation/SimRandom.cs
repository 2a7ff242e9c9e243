using System.Numerics;

namespace Mycnet.Networking.Testing.Simulation;

/// <summary>
/// The simulator's random source: xoshiro256** seeded through SplitMix64 (both public-domain
/// algorithms by Blackman and Vigna), written here so that a seed replays the same run on every .NET
/// version and platform. Each link draws from its own stream derived from the network seed and the
/// link's creation ordinal, so changing one link's conditions does not perturb the others.
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    public SimRandom(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>A seed for stream <paramref name="stream"/> of the run seeded with <paramref name="seed"/>.</summary>
    public static ulong Derive(long seed, ulong stream)
    {
        ulong x = unchecked((ulong)seed ^ (stream * 0xD1B54A32D192ED03UL));
        _ = SplitMix64(ref x);
        return SplitMix64(ref x);
    }

    public static ulong SplitMix64(ref ulong state)
    {
        unchecked
        {
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = BitOperations.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>); the bias of the multiply-shift is below 2^-40 for any bound a test uses.</summary>
    public long NextInt64(long maxExclusive)
    {
        if (maxExclusive <= 1)
        {
            return 0;
        }

        return (long)Math.BigMul(NextUInt64(), (ulong)maxExclusive, out _);
    }

    /// <summary>True with probability <paramref name="p"/>. Draws nothing when p is 0 or 1, so a feature
    /// that is switched off does not shift the stream.</summary>
    public bool Chance(double p)
    {
        if (p <= 0)
        {
            return false;
        }

        if (p >= 1)
        {
            return true;
        }

        return NextDouble() < p;
    }
}
