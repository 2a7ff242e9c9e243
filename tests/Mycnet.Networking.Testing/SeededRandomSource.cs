using Mycnet.Networking.Quic.Core;

namespace Mycnet.Networking.Testing;

/// <summary>A deterministic <see cref="IRandomSource"/> for tests: the same seed gives the same bytes.</summary>
internal sealed class SeededRandomSource : IRandomSource
{
    private readonly Random _random;

    public SeededRandomSource(int seed)
    {
        Seed = seed;
        _random = new Random(seed);
    }

    public int Seed { get; }

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}
