namespace Mycnet.Networking.Protocols.Nodes;

/// <summary>An inclusive range of chunk sizes in bytes.</summary>
public readonly record struct ChunkSizeRange
{
    /// <summary>Creates a range.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="min"/> is not positive or exceeds <paramref name="max"/>.</exception>
    public ChunkSizeRange(int min, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, min);
        Min = min;
        Max = max;
    }

    /// <summary>The smallest size.</summary>
    public int Min { get; }

    /// <summary>The largest size.</summary>
    public int Max { get; }

    /// <summary>Clamps <paramref name="value"/> into the range.</summary>
    public int Clamp(int value) => Math.Clamp(value, Min, Max);

    /// <summary>This range moved inside <paramref name="bounds"/>: each end is clamped to the bounds.</summary>
    public ChunkSizeRange Within(ChunkSizeRange bounds) => new(bounds.Clamp(Min), bounds.Clamp(Max));
}
